-- vigil.check_prepared_transactions(p_params): prepared (two-phase)
-- transactions left waiting for COMMIT PREPARED or ROLLBACK PREPARED, one row
-- per gid.
--
-- Why: a prepared transaction outlives its session and even a restart. Left
-- behind by a crashed transaction manager, it holds its locks and its xid
-- forever: vacuum can remove nothing newer in any database of the cluster, and
-- in the end the xid counter nears wraparound. Nothing else in pg_stat_activity
-- shows it, since no session belongs to it.
--
-- Reads pg_prepared_xacts, which is cluster-wide and readable by every role.
-- Measured from prepared to now(); param min_seconds (default 1) leaves out
-- the normal second or so between PREPARE and COMMIT PREPARED.
create or replace function vigil.check_prepared_transactions(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  select p.gid,
         p.seconds,
         pg_catalog.jsonb_build_object('gid', p.gid, 'database', p.database, 'owner', p.owner),
         pg_catalog.jsonb_build_object(
           'transaction', p.transaction, 'prepared', p.prepared, 'xid_age', pg_catalog.age(p.transaction),
           'hint', pg_catalog.format('Connect to database %I as %I (or a superuser) and run COMMIT PREPARED %L or ROLLBACK PREPARED %L, whichever the transaction manager meant.',
                                     p.database, p.owner, p.gid, p.gid))
    from (select x.*, pg_catalog.date_part('epoch', pg_catalog.now() - x.prepared) as seconds
            from pg_catalog.pg_prepared_xacts x) p
   where p.seconds >= coalesce((p_params->>'min_seconds')::double precision, 1);
$$;

comment on function vigil.check_prepared_transactions(jsonb) is
  'Seconds since each prepared transaction was prepared (pg_catalog.pg_prepared_xacts, cluster-wide: an orphan holds back vacuum in every database), for those at least param min_seconds old (default 1). One row per gid; labels gid, database, owner; detail has the xid, its age and the COMMIT/ROLLBACK PREPARED to run. Default thresholds: warning 60, critical 300 (seconds), in the spirit of check_postgres prepared_txns (which alerts on the age of prepared transactions); the values are pgvigil''s choice.';

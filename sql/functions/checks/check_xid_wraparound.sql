-- vigil.check_xid_wraparound: how close each database is to transaction ID
-- wraparound.
--
-- Why: PostgreSQL's transaction IDs are 32 bits and wrap around after about
-- 2^31 transactions. Every row older than that must have been frozen by
-- VACUUM first; if the oldest unfrozen XID of a database (datfrozenxid) gets
-- within a few million of the wrap point (warnings start 40 million before),
-- the server stops assigning new XIDs and the database is effectively
-- read-only until someone runs a manual VACUUM. Autovacuum normally prevents this: once a
-- table's age passes autovacuum_freeze_max_age it starts an anti-wraparound
-- vacuum, even on tables where autovacuum is off. The age keeps growing past
-- that point only when something stops those vacuums from finishing: a
-- long-running transaction, an abandoned replication slot or prepared
-- transaction, a hot_standby_feedback replica, or a vacuum that cannot keep up.
--
-- The value is age(datfrozenxid) as a percent of autovacuum_freeze_max_age,
-- so 100 means "anti-wraparound autovacuum should be running now" and, with
-- the default autovacuum_freeze_max_age of 200 million, wraparound is at about
-- 1070 percent (2^31 / 200 million). Warning at 200 (autovacuum has been
-- trying for a whole freeze_max_age and not finished), critical at 500 (one
-- billion XIDs, half the space: act now). check_postgres txn_wraparound warns
-- at an absolute age of 1.3 billion (650 percent of the default) and goes
-- critical at 1.4 billion; we alert earlier because the fix (finding what
-- holds back the horizon, then vacuuming large tables) can take days.
-- With a raised autovacuum_freeze_max_age (its maximum is 2 billion) the
-- percent scale shrinks: detail.percent_of_wraparound gives the absolute view.
--
-- The rows come from vigil._wraparound('xid'), which multixact_wraparound shares;
-- the hint is this check's own.
create or replace function vigil.check_xid_wraparound(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  select w.series, w.value, w.labels,
         w.detail || pg_catalog.jsonb_build_object(
           'hint', 'Above 100 percent autovacuum should be running anti-wraparound vacuums. If the age keeps growing, look for what holds back the xmin horizon (long transactions in pg_stat_activity, pg_prepared_xacts, pg_replication_slots) and for tables with the oldest age(relfrozenxid), then VACUUM them.')
    from vigil._wraparound('xid') w
$$;

comment on function vigil.check_xid_wraparound(jsonb) is
  'Transaction ID wraparound risk, one row per database: age(datfrozenxid) as a percent of autovacuum_freeze_max_age (100 = anti-wraparound autovacuum is due; wraparound is at about 1070 with the default setting). Reads pg_database and the autovacuum_freeze_max_age setting. Default thresholds: warning 200, critical 500 percent, earlier than check_postgres txn_wraparound (warning at an age of 1.3 billion, about 650 percent of the default setting), because the fix can take days.';

-- vigil.check_idle_in_transaction(p_params): sessions that opened a
-- transaction and then went quiet, one row per backend.
--
-- Why: a session idle in transaction usually means an application that forgot
-- to commit, or is waiting on something outside the database with a
-- transaction open. It keeps its locks (blocking DDL and other writers) and
-- often its snapshot (stopping vacuum), while doing nothing. The aborted
-- variant holds a connection and a transaction that can only be rolled back.
--
-- Counts client backends in state 'idle in transaction' or 'idle in
-- transaction (aborted)', measured from state_change (when they went idle) to
-- now(). Param min_seconds (default 1) leaves out the short pauses between the
-- statements of a transaction.
--
-- Without pg_read_all_stats, other roles' sessions show no state: one extra
-- row, series 'hidden_sessions' with a null value, counts them instead of
-- failing.
create or replace function vigil.check_idle_in_transaction(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with a as materialized (
    select a.pid, a.datname, a.usename, a.application_name, a.client_addr, a.state, a.query,
           a.xact_start, a.state_change, a.backend_xid, a.backend_xmin, a.backend_type,
           pg_catalog.date_part('epoch', pg_catalog.now() - a.state_change) as seconds,
           (a.backend_type is null and a.datid is not null and a.usesysid is not null) as hidden
      from pg_catalog.pg_stat_activity a
     where a.pid <> pg_catalog.pg_backend_pid()
  )
  select a.pid::text,
         a.seconds,
         pg_catalog.jsonb_build_object('pid', a.pid, 'database', a.datname, 'user', a.usename,
                                       'application', a.application_name),
         pg_catalog.jsonb_build_object('state', a.state, 'last_query', pg_catalog.left(a.query, 500),
                                       'state_change', a.state_change, 'xact_start', a.xact_start,
                                       'backend_xid', a.backend_xid, 'backend_xmin', a.backend_xmin,
                                       'client_addr', a.client_addr)
    from a
   where a.backend_type = 'client backend'
     and a.state in ('idle in transaction', 'idle in transaction (aborted)')
     and a.seconds >= coalesce((p_params->>'min_seconds')::double precision, 1)
  union all
  select 'hidden_sessions', null::double precision, '{}'::jsonb,
         pg_catalog.jsonb_build_object(
           'hidden_sessions', h.n,
           'hint', pg_catalog.format('%s may not see the state of %s other session(s), so they were not measured. GRANT pg_read_all_stats TO %I.',
                                     current_user, h.n, current_user))
    from (select pg_catalog.count(*) as n from a where a.hidden) h
   where h.n > 0;
$$;

comment on function vigil.check_idle_in_transaction(jsonb) is
  'Seconds since state_change of each session idle in transaction (client backends in pg_catalog.pg_stat_activity in state ''idle in transaction'' or ''idle in transaction (aborted)'', this session excluded) idle at least param min_seconds (default 1). One row per pid; labels pid, database, user, application; detail has the state, the last query (first 500 characters), xact_start and backend_xmin. Without pg_read_all_stats, a row ''hidden_sessions'' (value null) counts the sessions that could not be seen. Default thresholds: warning 60, critical 300 (seconds), for what check_postgres txn_idle measures; txn_idle ships no default, 1 and 5 minutes are pgvigil''s choice.';

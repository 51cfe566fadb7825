-- vigil.check_long_transactions(p_params): transactions that have been open
-- for a long time, one row per backend.
--
-- Why: an open transaction keeps its snapshot (and its xid), so vacuum cannot
-- remove any row version that died after it began, in any table of the
-- database: tables and indexes bloat and the xid horizon stops. Its locks stay
-- held too. Unlike long_queries this counts from xact_start, so a transaction
-- that runs many short statements, or sits idle, is caught as well.
--
-- Only client backends count, not this check's own. The duration is measured
-- from xact_start to now(). Param min_seconds (default 1) is a floor.
--
-- Without pg_read_all_stats, other roles' sessions show no xact_start: one
-- extra row, series 'hidden_sessions' with a null value, counts them and says
-- how many of them hold an xid or a snapshot (backend_xid, backend_xmin stay
-- visible), instead of failing.
create or replace function vigil.check_long_transactions(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with a as materialized (
    select a.pid, a.datname, a.usename, a.application_name, a.client_addr, a.state, a.query,
           a.wait_event_type, a.wait_event, a.xact_start, a.query_start, a.state_change,
           a.backend_xid, a.backend_xmin, a.backend_type,
           pg_catalog.date_part('epoch', pg_catalog.now() - a.xact_start) as seconds,
           (a.backend_type is null and a.datid is not null and a.usesysid is not null) as hidden
      from pg_catalog.pg_stat_activity a
     where a.pid <> pg_catalog.pg_backend_pid()
  )
  select a.pid::text,
         a.seconds,
         pg_catalog.jsonb_build_object('pid', a.pid, 'database', a.datname, 'user', a.usename,
                                       'application', a.application_name),
         pg_catalog.jsonb_build_object('state', a.state, 'query', pg_catalog.left(a.query, 500),
                                       'wait_event_type', a.wait_event_type, 'wait_event', a.wait_event,
                                       'xact_start', a.xact_start, 'query_start', a.query_start,
                                       'state_change', a.state_change,
                                       'backend_xid', a.backend_xid, 'backend_xmin', a.backend_xmin,
                                       'client_addr', a.client_addr)
    from a
   where a.backend_type = 'client backend'
     and a.xact_start is not null
     and a.seconds >= coalesce((p_params->>'min_seconds')::double precision, 1)
  union all
  select 'hidden_sessions', null::double precision, '{}'::jsonb,
         pg_catalog.jsonb_build_object(
           'hidden_sessions', h.n,
           'hidden_with_xid_or_snapshot', h.in_xact,
           'hint', pg_catalog.format('%s may not see the transaction start of %s other session(s), so they were not measured. GRANT pg_read_all_stats TO %I.',
                                     current_user, h.n, current_user))
    from (select pg_catalog.count(*) as n,
                 pg_catalog.count(*) filter (where a.backend_xid is not null or a.backend_xmin is not null) as in_xact
            from a where a.hidden) h
   where h.n > 0;
$$;

comment on function vigil.check_long_transactions(jsonb) is
  'Seconds since xact_start of each open transaction (client backends in pg_catalog.pg_stat_activity, idle in transaction included, this session excluded) open at least param min_seconds (default 1). One row per pid; labels pid, database, user, application; detail has the state, the current or last query (first 500 characters), xact_start, backend_xid and backend_xmin. Without pg_read_all_stats, a row ''hidden_sessions'' (value null) counts the sessions that could not be seen. Default thresholds: warning 300, critical 900 (seconds), in the style of check_postgres txn_time, which measures the same thing but ships no default; 5 and 15 minutes are pgvigil''s choice.';

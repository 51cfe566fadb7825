-- vigil.check_long_queries(p_params): queries that have been running for a
-- long time, one row per backend.
--
-- Why: a runaway query holds locks, a snapshot that stops vacuum, CPU and I/O,
-- and often a connection that a pool is waiting for. Seeing its pid, role,
-- application and text is what the person on call needs to decide whether to
-- cancel it (pg_cancel_backend) or wait.
--
-- Only client backends in state active (or fastpath function call) count;
-- idle sessions, background processes and this check's own backend do not.
-- The duration is measured from query_start to now(), the start of the
-- checking transaction. Param min_seconds (default 1) leaves out the many
-- short queries of a busy server.
--
-- Without pg_read_all_stats, other roles' sessions show no state or query: they
-- cannot be measured, so one extra row, series 'hidden_sessions' with a null
-- value, counts them instead of failing.
create or replace function vigil.check_long_queries(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with a as materialized (
    select a.pid, a.datname, a.usename, a.application_name, a.client_addr, a.state, a.query,
           a.wait_event_type, a.wait_event, a.query_start, a.xact_start, a.backend_type,
           pg_catalog.date_part('epoch', pg_catalog.now() - a.query_start) as seconds,
           (a.backend_type is null and a.datid is not null and a.usesysid is not null) as hidden
      from pg_catalog.pg_stat_activity a
     where a.pid <> pg_catalog.pg_backend_pid()
  )
  select a.pid::text,
         a.seconds,
         pg_catalog.jsonb_build_object('pid', a.pid, 'database', a.datname, 'user', a.usename,
                                       'application', a.application_name),
         pg_catalog.jsonb_build_object('query', pg_catalog.left(a.query, 500),
                                       'wait_event_type', a.wait_event_type, 'wait_event', a.wait_event,
                                       'state', a.state, 'query_start', a.query_start,
                                       'xact_start', a.xact_start, 'client_addr', a.client_addr)
    from a
   where a.backend_type = 'client backend'
     and a.state in ('active', 'fastpath function call')
     and a.seconds >= coalesce((p_params->>'min_seconds')::double precision, 1)
  union all
  select 'hidden_sessions', null::double precision, '{}'::jsonb,
         pg_catalog.jsonb_build_object(
           'hidden_sessions', h.n,
           'hint', pg_catalog.format('%s may not see the state and query of %s other session(s), so they were not measured. GRANT pg_read_all_stats TO %I.',
                                     current_user, h.n, current_user))
    from (select pg_catalog.count(*) as n from a where a.hidden) h
   where h.n > 0;
$$;

comment on function vigil.check_long_queries(jsonb) is
  'Seconds since query_start of each active query (client backends in pg_catalog.pg_stat_activity in state active or fastpath function call, this session excluded) running at least param min_seconds (default 1). One row per pid; labels pid, database, user, application; detail has the query (first 500 characters), wait event, query_start and xact_start. Without pg_read_all_stats, a row ''hidden_sessions'' (value null) counts the sessions that could not be seen. Default thresholds: warning 120, critical 300 (seconds), the defaults of check_postgres query_time (2 and 5 minutes).';

-- vigil.check_blocked_sessions(p_params): sessions waiting for a lock that
-- another session holds, one row per blocked backend.
--
-- Why: a lock queue is how one forgotten transaction or one ALTER TABLE takes
-- an application down: every later query on the table queues behind it. The
-- alert names the blocked session and, in detail, who blocks it, which is
-- what the person on call needs to decide what to cancel or terminate.
--
-- Counts client backends waiting on a heavyweight lock (wait_event_type
-- 'Lock') for which pg_blocking_pids() names a blocker; pg_blocking_pids is
-- called only for those, as it briefly locks the lock manager. The wait is
-- measured from state_change (else query_start) to now(). A blocker of pid 0
-- is a prepared transaction. Param min_seconds (default 0) is a floor.
--
-- Without pg_read_all_stats, other roles' sessions show no wait event: one
-- extra row, series 'hidden_sessions' with a null value, counts them instead
-- of failing.
create or replace function vigil.check_blocked_sessions(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with a as materialized (
    select a.pid, a.datname, a.usename, a.application_name, a.client_addr, a.state, a.query,
           a.wait_event_type, a.wait_event, a.query_start, a.xact_start, a.state_change,
           a.backend_type,
           (a.backend_type is null and a.datid is not null and a.usesysid is not null) as hidden
      from pg_catalog.pg_stat_activity a
  ), b as materialized (
    select a.*,
           pg_catalog.pg_blocking_pids(a.pid) as blocking_pids,
           greatest(pg_catalog.date_part('epoch', pg_catalog.now() - coalesce(a.state_change, a.query_start)), 0) as seconds
      from a
     where a.backend_type = 'client backend'
       and a.wait_event_type = 'Lock'
       and a.pid <> pg_catalog.pg_backend_pid()
  )
  select b.pid::text,
         b.seconds,
         pg_catalog.jsonb_build_object('pid', b.pid, 'database', b.datname, 'user', b.usename,
                                       'application', b.application_name),
         pg_catalog.jsonb_build_object(
           'query', pg_catalog.left(b.query, 500),
           'wait_event_type', b.wait_event_type, 'wait_event', b.wait_event,
           'blocking_pids', pg_catalog.to_jsonb(b.blocking_pids),
           'blockers', (select pg_catalog.jsonb_agg(
                                 case when bp.pid = 0
                                      then pg_catalog.jsonb_build_object('pid', 0, 'prepared_transaction', true)
                                      else pg_catalog.jsonb_build_object('pid', bp.pid, 'user', o.usename,
                                             'application', o.application_name, 'state', o.state,
                                             'xact_start', o.xact_start, 'query', pg_catalog.left(o.query, 200))
                                 end order by bp.ord)
                          from pg_catalog.unnest(b.blocking_pids) with ordinality as bp(pid, ord)
                          left join a o on o.pid = bp.pid),
           'state_change', b.state_change, 'query_start', b.query_start, 'xact_start', b.xact_start,
           'client_addr', b.client_addr)
    from b
   where pg_catalog.cardinality(b.blocking_pids) > 0
     and b.seconds >= coalesce((p_params->>'min_seconds')::double precision, 0)
  union all
  select 'hidden_sessions', null::double precision, '{}'::jsonb,
         pg_catalog.jsonb_build_object(
           'hidden_sessions', h.n,
           'hint', pg_catalog.format('%s may not see the wait events of %s other session(s), so they were not measured. GRANT pg_read_all_stats TO %I.',
                                     current_user, h.n, current_user))
    from (select pg_catalog.count(*) as n from a where a.hidden and a.pid <> pg_catalog.pg_backend_pid()) h
   where h.n > 0;
$$;

comment on function vigil.check_blocked_sessions(jsonb) is
  'Seconds each blocked session has waited (now() minus state_change, else query_start) for client backends in pg_catalog.pg_stat_activity waiting on a heavyweight lock (wait_event_type Lock) with a non-empty pg_catalog.pg_blocking_pids(); this session excluded; param min_seconds (default 0). One row per blocked pid; labels pid, database, user, application; detail has the blocked query (first 500 characters), blocking_pids, and for each blocker its user, application, state, xact_start and query (pid 0 is a prepared transaction). Without pg_read_all_stats, a row ''hidden_sessions'' (value null) counts the sessions that could not be seen. Default thresholds: warning 30, critical 120 (seconds), pgvigil''s choice (check_postgres locks counts locks rather than timing waits, so it has no default to borrow).';

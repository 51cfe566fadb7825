-- vigil.check_check_errors(p_params): pgvigil watching itself. A check that
-- errors or times out measures nothing, so its silence must not look like
-- health: this is the built-in "check failing" alert.
create or replace function vigil.check_check_errors(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  with latest as (
    select distinct on (r.check_name) r.check_name, r.status, r.error, r.sqlstate, r.started_at
      from vigil.check_runs r
      join vigil.checks c on c.name = r.check_name and c.enabled
     where r.check_name <> coalesce(p_params->>'_check', '')
       and r.started_at >= coalesce((p_params->>'_now')::timestamptz, pg_catalog.now()) - interval '1 day'
     order by r.check_name, r.started_at desc
  )
  select l.check_name,
         (select pg_catalog.count(*)
            from vigil.check_runs r
           where r.check_name = l.check_name
             and r.status <> 'ok'
             and r.started_at > coalesce((select pg_catalog.max(ok.started_at) from vigil.check_runs ok
                                           where ok.check_name = l.check_name and ok.status = 'ok'),
                                         '-infinity'::timestamptz))::double precision,
         pg_catalog.jsonb_build_object('check', l.check_name),
         pg_catalog.jsonb_build_object('status', l.status, 'error', l.error, 'sqlstate', l.sqlstate, 'since', l.started_at)
    from latest l
   where l.status <> 'ok';
$$;

comment on function vigil.check_check_errors(jsonb) is
  'Self-monitoring: one series per enabled check whose latest run (within a day) failed with an error or a timeout; value = consecutive failed runs; detail has the last error and SQLSTATE. Reads vigil.check_runs. Defaults: warning 1, critical 3 consecutive failures (a check that cannot run is blind; Prometheus'' "target down" plays the same role).';

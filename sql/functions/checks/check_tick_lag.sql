-- vigil.check_tick_lag(p_params): how long the previous tick was ago when
-- this one started. Ticks are the heartbeat of every other check: when they
-- slow down (pg_cron stuck, worker down), alerts come late or not at all.
-- A tick that stops entirely cannot report itself; the heartbeat
-- notification to an outside receiver covers that case.
create or replace function vigil.check_tick_lag(p_params jsonb)
returns table (series text, value double precision, labels jsonb, detail jsonb)
language sql
stable
set search_path = ''
as $$
  select 'tick',
         pg_catalog.date_part('epoch', coalesce((p_params->>'_now')::timestamptz, pg_catalog.now()) - t.last_tick_at),
         '{}'::jsonb,
         pg_catalog.jsonb_build_object('last_tick_at', t.last_tick_at, 'last_duration_ms', t.last_duration_ms)
    from vigil.tick_state t
   where t.last_tick_at is not null;
$$;

comment on function vigil.check_tick_lag(jsonb) is
  'Self-monitoring: seconds between the previous tick and this run (one series, "tick"); reads vigil.tick_state. Defaults: warning 180, critical 600 seconds, i.e. 3 and 10 missed one-minute ticks (the Prometheus habit of alerting on a stale heartbeat after a few missed scrapes).';

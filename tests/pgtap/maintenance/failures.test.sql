-- A failed maintenance run raises an alert: the built-in check
-- maintenance_job_failures counts the failed statements of each job's last
-- pass, so it fires after a failing pass (with the error, its SQLSTATE and
-- the statement in detail) and resolves after the next good one. Runs are
-- kept 90 days.
begin;
select tap.plan(9);
set local timezone = 'UTC';

select tap.is((select (c.function_name, c.direction, c.warning, c.critical, c.builtin, c.enabled)::text
                 from vigil.checks c where c.name = 'maintenance_job_failures'),
  ('vigil.check_maintenance_job_failures', 'above', 1::double precision, null::double precision, true, true)::text,
  'maintenance_job_failures is a built-in check: warning at 1 failed statement');

create schema app;
create table app.t (id int);
select vigil.add_maintenance_job('refresh', 'sql', '1 hour', 'refresh materialized view app.gone');
select vigil.add_maintenance_job('fine', 'analyze', '1 hour', 'app.t');
select vigil.add_maintenance_job('idle', 'analyze', '1 hour', 'app.t');

select tap.is_empty($$select * from vigil.check_maintenance_job_failures('{}') where value > 0$$, 'no failures before any run');

select vigil.record_maintenance_run('refresh', 'refresh materialized view app.gone', 'error', '2026-03-10 12:00:01+00', '2026-03-10 12:00:02+00',
                                    p_error => 'relation "app.gone" does not exist', p_sqlstate => '42P01', p_now => '2026-03-10 12:00+00');
select vigil.record_maintenance_run('fine', 'ANALYZE app.t', 'ok', '2026-03-10 12:00:02+00', '2026-03-10 12:00:03+00', p_now => '2026-03-10 12:00+00');

select tap.results_eq(
  $$select series, value, labels, detail->>'sqlstate', detail->>'last_error', detail->>'statement'
      from vigil.check_maintenance_job_failures('{}') order by series$$,
  $$values ('fine', 0::double precision, '{"job": "fine", "kind": "analyze"}'::jsonb, null::text, null::text, null::text),
           ('refresh', 1, '{"job": "refresh", "kind": "sql"}', '42P01', 'relation "app.gone" does not exist', 'refresh materialized view app.gone')$$,
  'one series per job that ran: the failed statements of its last pass, with the error');
select tap.is((select last_status from vigil.maintenance_jobs where name = 'refresh'), 'error', 'the job''s last_status is error');

select tap.is(vigil.run_check('maintenance_job_failures', '2026-03-10 12:00:30+00'), 'ok', 'the check runs');
select tap.results_eq(
  $$select series, state, severity from vigil.alert_state where check_name = 'maintenance_job_failures' and state <> 'ok' order by series$$,
  $$values ('refresh', 'firing', 'warning')$$,
  'a failed run raises an alert for that job');

-- The next pass of the job goes well: the alert resolves.
select vigil.record_maintenance_run('refresh', 'refresh materialized view app.gone', 'ok', '2026-03-10 13:00:01+00', '2026-03-10 13:00:02+00',
                                    p_now => '2026-03-10 13:00+00');
select from vigil.run_check('maintenance_job_failures', '2026-03-10 13:00:30+00');
select tap.is_empty(
  $$select from vigil.alert_state where check_name = 'maintenance_job_failures' and state in ('pending', 'firing')$$,
  'a good pass resolves it');

-- Within one pass the worst status wins.
select vigil.record_maintenance_run('fine', 'ANALYZE app.t', 'error', '2026-03-10 14:00:01+00', '2026-03-10 14:00:02+00',
                                    p_error => 'boom', p_sqlstate => 'XX000', p_now => '2026-03-10 14:00+00');
select vigil.record_maintenance_run('fine', 'ANALYZE app.t', 'ok', '2026-03-10 14:00:03+00', '2026-03-10 14:00:04+00', p_now => '2026-03-10 14:00+00');
select tap.is((select last_status from vigil.maintenance_jobs where name = 'fine'), 'error', 'an error earlier in the pass is not hidden by a later ok');

-- Retention: runs older than 90 days go when the job records a new one.
select vigil.record_maintenance_run('fine', 'ANALYZE app.t', 'ok', '2026-06-10 12:00:01+00', '2026-06-10 12:00:02+00', p_now => '2026-06-10 12:00+00');
select tap.is((select pg_catalog.array_agg(pass_at order by pass_at)::text from vigil.maintenance_runs where job = 'fine'),
  array['2026-06-10 12:00+00'::timestamptz]::text, 'runs older than 90 days are deleted');

select * from tap.finish();
rollback;

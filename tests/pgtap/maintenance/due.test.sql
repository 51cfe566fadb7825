-- vigil.due_maintenance(p_now) plans what to run: a job is due when it is
-- enabled, its next_due_at has come (never ran: at once) and its
-- maintenance window, if it has one, is active at p_now. Recording a pass
-- (vigil.record_maintenance_run) moves next_due_at to p_now + every.
-- refresh_matview uses CONCURRENTLY only where PostgreSQL accepts it (the
-- view is populated and has a valid unique index on plain columns without
-- WHERE). A due job with nothing to do plans one row with a null statement,
-- recorded as skipped. (The dead-tuple condition against real statistics
-- is tested in tests/maintenance.test.ts: counters cannot be faked here.)
begin;
select tap.plan(17);
set local timezone = 'UTC';

create schema app;
create table app.base (id int primary key, k int, v int);
create materialized view app.mv_unique as select id, v from app.base;
create unique index on app.mv_unique (id);
create materialized view app.mv_none as select id, v from app.base;
create materialized view app.mv_partial as select id, v from app.base;
create unique index on app.mv_partial (id) where v > 0;
create materialized view app.mv_expr as select id, v from app.base;
create unique index on app.mv_expr ((id + 0));
create materialized view app.mv_empty as select id, v from app.base with no data;
create unique index on app.mv_empty (id);
create materialized view app."Mixed Case" as select id from app.base;
create unique index on app."Mixed Case" (id);

do $$
declare
  v text;
begin
  foreach v in array array['app.mv_unique', 'app.mv_none', 'app.mv_partial', 'app.mv_expr', 'app.mv_empty', 'app."Mixed Case"'] loop
    perform vigil.add_maintenance_job(pg_catalog.replace(pg_catalog.replace(pg_catalog.lower(pg_catalog.split_part(v, '.', 2)), '"', ''), ' ', '_'),
                                      'refresh_matview', '1 hour', v);
  end loop;
end $$;

select tap.results_eq(
  $$select job, statement from vigil.due_maintenance('2026-03-10 12:00+00') order by job$$,
  $$values ('mixed_case', 'REFRESH MATERIALIZED VIEW CONCURRENTLY app."Mixed Case"'),
           ('mv_empty', 'REFRESH MATERIALIZED VIEW app.mv_empty'),
           ('mv_expr', 'REFRESH MATERIALIZED VIEW app.mv_expr'),
           ('mv_none', 'REFRESH MATERIALIZED VIEW app.mv_none'),
           ('mv_partial', 'REFRESH MATERIALIZED VIEW app.mv_partial'),
           ('mv_unique', 'REFRESH MATERIALIZED VIEW CONCURRENTLY app.mv_unique')$$,
  'CONCURRENTLY only for a populated view with a unique index on plain columns without WHERE; names quoted');
select tap.is(
  (select detail->>'note' from vigil.due_maintenance('2026-03-10 12:00+00') where job = 'mv_none'),
  'no unique index on plain columns without WHERE: CONCURRENTLY is not possible, readers wait',
  'the plan says why it cannot refresh concurrently');
delete from vigil.maintenance_jobs;

-- The schedule.
select vigil.add_maintenance_job('vac', 'vacuum_analyze', '1 hour', 'app.base');
select vigil.add_maintenance_job('purge', 'sql', '1 day', 'delete from app.base where k is null');
select vigil.add_maintenance_job('off', 'analyze', '1 hour', 'app.base', p_enabled => false);
select tap.results_eq(
  $$select job, kind, statement from vigil.due_maintenance('2026-03-10 12:00+00') order by job$$,
  $$values ('purge', 'sql', 'delete from app.base where k is null'), ('vac', 'vacuum_analyze', 'VACUUM (ANALYZE) app.base')$$,
  'a job that never ran is due at once; a disabled job never is; a sql job runs its statement');
select vigil.record_maintenance_run('vac', 'VACUUM (ANALYZE) app.base', 'ok', '2026-03-10 12:00:01+00', '2026-03-10 12:00:02+00',
                                    p_now => '2026-03-10 12:00+00');
select tap.is((select (last_run_at, next_due_at, last_status)::text from vigil.maintenance_jobs where name = 'vac'),
  ('2026-03-10 12:00+00'::timestamptz, '2026-03-10 13:00+00'::timestamptz, 'ok')::text,
  'recording a run moves next_due_at to the pass time plus every');
select tap.is_empty($$select from vigil.due_maintenance('2026-03-10 12:59:59+00') where job = 'vac'$$, 'not due before next_due_at');
select tap.isnt_empty($$select from vigil.due_maintenance('2026-03-10 13:00+00') where job = 'vac'$$, 'due at next_due_at');
select tap.isnt_empty($$select from vigil.due_maintenance('2026-03-10 12:30+00') where job = 'purge'$$, 'the other job is still due');

-- The window.
select vigil.add_maintenance_window('nightly', p_start_time => '01:00', p_end_time => '03:00', p_time_zone => 'Europe/Berlin');
select vigil.add_maintenance_job('nightly_vac', 'vacuum_analyze', '1 day', 'app.base',
                                 p_window_id => (select id from vigil.maintenance_windows where title = 'nightly'));
select tap.is_empty($$select from vigil.due_maintenance('2026-03-10 12:00+00') where job = 'nightly_vac'$$,
  'a job with a window is not due outside it, though it never ran');
select tap.is_empty($$select from vigil.due_maintenance('2026-03-10 23:59+00') where job = 'nightly_vac'$$,
  '... not a minute before it (00:59 in Berlin)');
select tap.isnt_empty($$select from vigil.due_maintenance('2026-03-11 00:00+00') where job = 'nightly_vac'$$,
  '... and due once it opens (01:00 in Berlin)');
select vigil.record_maintenance_run('nightly_vac', 'VACUUM (ANALYZE) app.base', 'ok', '2026-03-11 00:00+00', '2026-03-11 00:05+00',
                                    p_now => '2026-03-11 00:00+00');
select tap.is_empty($$select from vigil.due_maintenance('2026-03-12 02:00+00') where job = 'nightly_vac'$$,
  'overdue after a day, it waits outside the window (03:00 in Berlin: the window has closed)');
select tap.isnt_empty($$select from vigil.due_maintenance('2026-03-13 00:30+00') where job = 'nightly_vac'$$,
  '... and runs in the next occurrence');
select vigil.end_maintenance_window((select id from vigil.maintenance_windows where title = 'nightly'), '2026-03-13 00:45+00');
select tap.is_empty($$select from vigil.due_maintenance('2026-03-14 00:30+00') where job = 'nightly_vac'$$,
  'an ended window has no more occurrences: the job no longer runs');

-- Nothing qualifies: one row without a statement, recorded as skipped.
select vigil.add_maintenance_job('bloat', 'vacuum_analyze', '1 hour', p_condition => '{"min_dead_tuples": 1, "schemas": ["no_such_schema"]}');
select tap.results_eq(
  $$select statement, detail->>'note' from vigil.due_maintenance('2026-03-10 12:00+00') where job = 'bloat'$$,
  $$values (null::text, 'no table met the condition')$$,
  'a due condition job with nothing qualifying plans one row without a statement');
select vigil.record_maintenance_run('bloat', null, 'skipped', '2026-03-10 12:00+00', '2026-03-10 12:00+00', p_now => '2026-03-10 12:00+00');
select tap.is((select (last_status, next_due_at)::text from vigil.maintenance_jobs where name = 'bloat'),
  ('skipped', '2026-03-10 13:00+00'::timestamptz)::text, 'recorded as skipped, it is due again after every');

-- record_maintenance_run validates.
select tap.throws_ok($$select vigil.record_maintenance_run('bloat', 'x', 'error', now(), now())$$,
  '22023', 'a failed maintenance run of job bloat needs its error message', 'an error run needs its message');
select tap.throws_ok($$select vigil.record_maintenance_run('gone', 'x', 'ok', now(), now())$$,
  'P0002', 'maintenance job ''gone'' does not exist', 'a run of an unknown job is refused');

select * from tap.finish();
rollback;

-- vigil.add_maintenance_job validates everything before it writes: the name,
-- the kind, the schedule, the target (it must exist, and be a table or a
-- materialized view as the kind needs; stored as schema.name), the
-- condition's keys and values, the window and the role the job runs as.
-- Each error has its SQLSTATE, names the bad value and has a HINT; nothing
-- is written by a refused call. vigil.remove_maintenance_job removes it.
begin;
select tap.plan(24);
set local timezone = 'UTC';

\ir ../hint_of.sql

create schema "App";
create table "App"."Orders" (id int primary key);
create materialized view "App".totals as select count(*) as n from "App"."Orders";
create view "App".v as select 1 as one;

select tap.throws_ok($$select vigil.add_maintenance_job('Bad Name', 'analyze', '1 day', 'App.x')$$,
  '22023', 'maintenance job name ''Bad Name'' is not valid', 'a bad name is refused, naming it');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'reindex', '1 day', '"App"."Orders"')$$,
  '22023', 'maintenance job kind ''reindex'' is not known', 'an unknown kind is refused');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'analyze', '0 seconds', '"App"."Orders"')$$,
  '22023', 'a maintenance job runs every positive interval, not 00:00:00', 'a zero interval is refused');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'analyze', '1 day', 'app.orders')$$,
  '42P01', 'maintenance job target ''app.orders'' is not a table or view that exists', 'a missing target is refused');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'refresh_matview', '1 day', '"App"."Orders"')$$,
  '42809', '"App"."Orders" is not a materialized view', 'refresh_matview needs a materialized view');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'vacuum_analyze', '1 day', '"App".v')$$,
  '42809', '"App".v is not a table or materialized view', 'VACUUM needs a table');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'refresh_matview', '1 day')$$,
  '22023', 'a refresh_matview maintenance job needs the materialized view as p_target', 'refresh_matview needs a target');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'sql', '1 day', '  ')$$,
  '22023', 'a sql maintenance job needs its statement as p_target, not ''  ''', 'a sql job needs a statement');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'vacuum_analyze', '1 day')$$,
  '22023', 'a vacuum_analyze maintenance job without a target needs a condition on dead or modified tuples, got {}',
  'vacuuming every table unconditionally is refused');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'vacuum_analyze', '1 day', p_condition => '{"dead_ratio_over": 20}')$$,
  '22023', 'condition dead_ratio_over must be a ratio from 0 to below 1, not 20', 'a ratio given as a percent is refused');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'vacuum_analyze', '1 day', p_condition => '{"dead_ratio": 0.2}')$$,
  '22023', 'maintenance job condition ''dead_ratio'' is not known', 'an unknown condition key is refused');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'vacuum_analyze', '1 day', p_condition => '{"min_dead_tuples": 1.5}')$$,
  '22023', 'condition min_dead_tuples must be a whole number of at least 0, not 1.5', 'a fractional count is refused');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'vacuum_analyze', '1 day', p_condition => '{"min_dead_tuples": 10, "schemas": "public"}')$$,
  '22023', 'condition schemas must be a non-empty array of schema names, not "public"', 'schemas must be an array');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'sql', '1 day', 'select 1', p_condition => '{"min_dead_tuples": 10}')$$,
  '22023', 'a sql maintenance job takes no condition, got {"min_dead_tuples": 10}', 'a sql job takes no condition');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'sql', '1 day', 'select 1', p_window_id => 424242)$$,
  '22023', 'maintenance window 424242 does not exist or has ended', 'an unknown window is refused');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'sql', '1 day', 'select 1', p_run_as => 'no_such_role_x')$$,
  '42704', 'role ''no_such_role_x'' does not exist', 'an unknown role is refused');
select tap.is(pg_temp.hint_of($$select vigil.add_maintenance_job('j', 'vacuum_analyze', '1 day')$$),
  'Name one table in p_target, or select tables, e.g. p_condition => ''{"dead_ratio_over": 0.2, "min_dead_tuples": 1000}''.',
  'errors carry a HINT with an example');
select tap.is_empty($$select from vigil.maintenance_jobs$$, 'nothing was written by the refused calls');

select tap.is(
  (select (j.kind, j.target, j.condition, j.every, j.run_as, j.enabled, j.next_due_at)::text
     from vigil.add_maintenance_job('vac', 'vacuum_analyze', '1 day', '"App"."Orders"') j),
  ('vacuum_analyze', '"App"."Orders"', '{}'::jsonb, interval '1 day', current_user::text, true, null::timestamptz)::text,
  'a fixed-target job is stored with its target as schema.name, run as the caller, due at once');
select tap.lives_ok($$select vigil.add_maintenance_job('bloat', 'vacuum_analyze', '1 hour',
                        p_condition => '{"dead_ratio_over": 0.2, "min_dead_tuples": 1000, "schemas": ["App"], "max_tables": 5}')$$,
  'a condition job with every known key is accepted');
select tap.lives_ok($$select vigil.add_maintenance_job('mv', 'refresh_matview', '15 minutes', '"App".totals')$$,
  'a refresh_matview job is accepted');
select tap.throws_ok($$select vigil.add_maintenance_job('mv', 'refresh_matview', '15 minutes', '"App".totals')$$,
  '23505', 'maintenance job mv already exists', 'a second job of the same name is refused');

select tap.ok(vigil.remove_maintenance_job('mv'), 'remove_maintenance_job removes a job');
select tap.throws_ok($$select vigil.remove_maintenance_job('mv')$$, 'P0002', 'maintenance job ''mv'' does not exist',
  '... and says so when there is none');

select * from tap.finish();
rollback;

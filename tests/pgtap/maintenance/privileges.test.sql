-- requires: superuser
-- (it uses SET ROLE.)
-- Who may do what with maintenance jobs (sql/grants.sql): vigil_reader
-- sees the jobs, their runs and what is due; vigil_admin adds and removes
-- jobs through the validated API only; only the installer runs and records
-- them (the worker's scheduler, pgvigil maintain); PUBLIC may do nothing. A
-- job runs as the role that added it, so adding one gains no privilege.
begin;
select tap.plan(11);
set local client_min_messages = warning;

select tap.is_empty(
  $$select f from (values ('vigil.add_maintenance_job(text, text, interval, text, jsonb, bigint, text, text, boolean)'),
                          ('vigil.remove_maintenance_job(text)'), ('vigil.due_maintenance(timestamptz)'),
                          ('vigil.record_maintenance_run(text, text, text, timestamptz, timestamptz, text, text, text, jsonb, timestamptz)'),
                          ('vigil.check_maintenance_job_failures(jsonb)')) v(f)
     where pg_catalog.has_function_privilege('public', f, 'execute')$$,
  'PUBLIC may execute none of the maintenance functions');
select tap.ok(not pg_catalog.has_table_privilege('public', 'vigil.maintenance_jobs', 'select')
              and not pg_catalog.has_table_privilege('public', 'vigil.maintenance_runs', 'select'),
  'PUBLIC may not read the jobs or their runs');

create table public.t (id int);
grant select on public.t to vigil_admin;

set local role vigil_reader;
select tap.lives_ok($$select * from vigil.maintenance_jobs, vigil.maintenance_runs$$, 'vigil_reader reads jobs and runs');
select tap.lives_ok($$select * from vigil.due_maintenance()$$, '... and what is due');
select tap.throws_ok($$select vigil.add_maintenance_job('j', 'analyze', '1 day', 'public.t')$$, '42501', null, '... but may not add a job');
reset role;

set local role vigil_admin;
select tap.is((select j.run_as from vigil.add_maintenance_job('j', 'analyze', '1 day', 'public.t') j), 'vigil_admin',
  'vigil_admin adds a job, which runs as the role that added it (current_user, not the definer)');
reset role;
-- A login that is an admin but not the installer (session_user decides:
-- it could SET ROLE to any role it is a member of anyway).
create role vigil_test_maint_alice nologin in role vigil_admin;
set local session authorization vigil_test_maint_alice;
select tap.throws_ok($$select vigil.add_maintenance_job('k', 'analyze', '1 day', 'public.t', p_run_as => 'vigil_worker')$$, '42501',
  'you (vigil_test_maint_alice) are not a member of role vigil_worker, so a job may not run as it',
  '... but not one that runs as a role it is not a member of');
reset session authorization;
set local role vigil_admin;
select tap.throws_ok($$insert into vigil.maintenance_jobs (name, kind, every, run_as, created_by) values ('x', 'sql', '1 day', 'postgres', 'me')$$,
  '42501', null, '... nor writes the table directly');
select tap.throws_ok($$select vigil.record_maintenance_run('j', 'x', 'ok', now(), now())$$, '42501', null,
  '... nor records runs (the runner, as the installer, does)');
select tap.lives_ok($$select vigil.remove_maintenance_job('j')$$, '... and removes a job');
reset role;

select tap.ok(
  (select p.prosecdef from pg_catalog.pg_proc p where p.oid = 'vigil.add_maintenance_job(text, text, interval, text, jsonb, bigint, text, text, boolean)'::pg_catalog.regprocedure)
  and not (select p.prosecdef from pg_catalog.pg_proc p where p.oid = 'vigil.due_maintenance(timestamptz)'::pg_catalog.regprocedure),
  'add_maintenance_job is SECURITY DEFINER, the planner is not');

select * from tap.finish();
rollback;

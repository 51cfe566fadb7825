-- requires: superuser
-- (it uses SET ROLE vigil_reader, which an installer that only has
-- CREATEROLE may not do.)
-- Who may read the psql views (sql/views, sql/grants.sql): vigil_reader may
-- select from vigil.status, vigil.firing, vigil.recent_events and
-- vigil.check_errors; PUBLIC may not. The views run with their owner's
-- rights (no security_invoker: it does not exist on PostgreSQL 14), so a
-- reader needs nothing on the base tables: with its select on them revoked
-- (inside this transaction), vigil_reader still reads every view. A role
-- with no grant on the views is refused (42501).
begin;
select tap.plan(10);

create function pg_temp.views() returns setof text language sql immutable
  as $$ values ('vigil.status'), ('vigil.firing'), ('vigil.recent_events'), ('vigil.check_errors') $$;

select tap.is_empty(
  $$select v from pg_temp.views() v where not pg_catalog.has_table_privilege('vigil_reader', v, 'select')$$,
  'vigil_reader has select on the four views');
select tap.is_empty(
  $$select v from pg_temp.views() v where pg_catalog.has_table_privilege('public', v, 'select')$$,
  'PUBLIC has no select on them');
select tap.is_empty(
  $$select v from pg_temp.views() v
     where (select c.relkind from pg_catalog.pg_class c where c.oid = v::regclass) <> 'v'
        or pg_catalog.obj_description(v::regclass, 'pg_class') is null$$,
  'each is a plain view with a COMMENT ON VIEW');

-- Something to read.
do $$
begin
  insert into vigil.alert_state (check_name, series, state, level, severity, value, active_at, fired_at, last_eval_at, fingerprint)
  values ('c', 'a', 'firing', 'warning', 'warning', 85, pg_catalog.now(), pg_catalog.now(), pg_catalog.now(), 'f');
  insert into vigil.alert_events (at, alert_id, check_name, series, event, severity, value)
  values (pg_catalog.now(), 1, 'c', 'a', 'firing', 'warning', 85);
end $$;
revoke select on vigil.alert_state, vigil.alert_events, vigil.checks, vigil.check_runs, vigil.threshold_overrides
  from vigil_reader;

set local role vigil_reader;
select tap.throws_ok('select 1 from vigil.alert_state', '42501', null,
  'with select on the base tables revoked, vigil_reader cannot read vigil.alert_state');
select tap.is((select pg_catalog.count(*)::int from vigil.status), 1, '... but reads vigil.status');
select tap.is((select pg_catalog.count(*)::int from vigil.firing), 1, '... vigil.firing');
select tap.is((select pg_catalog.count(*)::int from vigil.recent_events), 1, '... vigil.recent_events');
select tap.lives_ok('select * from vigil.check_errors', '... and vigil.check_errors');
reset role;

-- A role with only what PUBLIC has, plus usage on the schema so that the
-- refusal comes from the view itself.
create role test_nobody nologin;
grant usage on schema vigil to test_nobody;
set local role test_nobody;
select tap.throws_ok('select * from vigil.status', '42501', null, 'a role with no grant on the views cannot read vigil.status');
select tap.throws_ok('select * from vigil.firing', '42501', null, '... nor vigil.firing');
reset role;

select * from tap.finish();
rollback;

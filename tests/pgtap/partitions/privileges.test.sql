-- requires: superuser
-- (it uses SET ROLE and SET SESSION AUTHORIZATION, and creates roles.)
-- Who may do what with partition sets (sql/grants.sql): vigil_reader reads
-- vigil.partition_sets and vigil.detached_partitions; vigil_admin
-- registers, unregisters and rotates through the functions (SECURITY
-- DEFINER) and cannot write vigil.partition_sets itself; PUBLIC may do
-- nothing. A table outside the vigil schema may be registered only by a
-- member of its owner: pgvigil's owner makes and drops its partitions, and
-- vigil_admin must not get it to drop data the admin could not drop. The
-- partitions it makes belong to the table's owner.
begin;
select tap.plan(14);

create schema test;
create role test_app nologin;
create role test_admin nologin in role vigil_admin;
create table test.app_logs (at timestamptz not null) partition by range (at);
alter table test.app_logs owner to test_app;
grant usage on schema test to public;

select tap.is_empty(
  $$select f from (values ('vigil.register_partitioned(text, text, integer, interval, text, timestamptz)'),
                          ('vigil.unregister_partitioned(text)'),
                          ('vigil.rotate_partitions(timestamptz, interval)'),
                          ('vigil.check_default_partitions(jsonb)')) v(f)
     where pg_catalog.has_function_privilege('public', f, 'execute')$$,
  'PUBLIC may execute none of the partition functions');
select tap.ok(not pg_catalog.has_table_privilege('public', 'vigil.partition_sets', 'select')
              and not pg_catalog.has_table_privilege('public', 'vigil.detached_partitions', 'select'),
  'PUBLIC may not read vigil.partition_sets or vigil.detached_partitions');

set local role vigil_reader;
select tap.lives_ok($$select * from vigil.partition_sets$$, 'vigil_reader reads vigil.partition_sets');
select tap.lives_ok($$select * from vigil.detached_partitions$$, '... and vigil.detached_partitions');
select tap.throws_ok($$select vigil.rotate_partitions()$$, '42501', null, '... but may not rotate');
reset role;

set local role vigil_admin;
select tap.throws_ok($$update vigil.partition_sets set retention = '1 second'$$, '42501', null,
  'vigil_admin cannot write vigil.partition_sets directly');
select tap.lives_ok(
  $$select vigil.register_partitioned('vigil.alert_events', 'day', p_retention => '180 days', p_now => '2026-03-10 00:00+00')$$,
  'vigil_admin changes the retention of pgvigil''s own history');
select tap.lives_ok($$select vigil.rotate_partitions('2026-03-10 00:00+00')$$, '... and rotates by hand');
reset role;

-- A member of vigil_admin who is not a member of the table's owner.
set local session authorization test_admin;
select tap.throws_ok(
  $$select vigil.register_partitioned('test.app_logs', 'day', p_retention => '1 day', p_retention_action => 'drop')$$,
  '42501', 'only a member of the owner of test.app_logs (test_app) may register it; test_admin is not',
  'vigil_admin may not register a table whose owner it is not a member of');
reset session authorization;

grant test_app to test_admin;
set local session authorization test_admin;
select tap.lives_ok(
  $$select vigil.register_partitioned('test.app_logs', 'day', p_premake => 1, p_now => '2026-03-10 00:00+00')$$,
  'once a member of the owner, it may');
reset session authorization;
select tap.is(
  (select pg_catalog.string_agg(distinct c.relowner::regrole::text, ',')
     from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid where i.inhparent = 'test.app_logs'::regclass),
  'test_app', 'the partitions pgvigil made belong to the table''s owner, not to pgvigil''s');
select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.pg_inherits i where i.inhparent = 'test.app_logs'::regclass), 2,
  '... today''s and tomorrow''s');

-- Default privileges that grant every new table (as Supabase's do for anon
-- and authenticated) do not reach the partitions: they are read through
-- their table, whose grants and row level security apply.
alter default privileges grant all on tables to test_admin, public;
do $$ begin perform vigil.rotate_partitions('2026-03-20 00:00+00'); end $$;
select tap.is_empty(
  $$select c.oid::regclass::text, a.grantee::regrole::text
      from pg_catalog.pg_class c cross join lateral pg_catalog.aclexplode(c.relacl) a
     where c.relispartition and c.relname ~ '_p2026032[0-4]$' and a.grantee <> c.relowner$$,
  'new partitions carry no grant of their own, whatever the default privileges');
select tap.ok(pg_catalog.to_regclass('vigil.samples_p20260320') is not null and pg_catalog.to_regclass('test.app_logs_p20260320') is not null,
  '(pgvigil''s and the DBA''s partitions were made)');

select * from tap.finish();
rollback;

-- requires: superuser
-- The four roles exist, nest as documented, and can use what their job needs.
begin;
select tap.plan(7);

select tap.is(
  (select pg_catalog.count(*)::int from pg_catalog.pg_roles
    where rolname in ('vigil_reader', 'vigil_operator', 'vigil_admin', 'vigil_worker') and not rolcanlogin),
  4,
  'vigil_reader, vigil_operator, vigil_admin and vigil_worker exist and cannot log in');

select tap.ok(pg_catalog.pg_has_role('vigil_operator', 'vigil_reader', 'member'), 'vigil_operator includes vigil_reader');
select tap.ok(pg_catalog.pg_has_role('vigil_admin', 'vigil_operator', 'member'), 'vigil_admin includes vigil_operator');
select tap.ok(not pg_catalog.pg_has_role('vigil_worker', 'vigil_reader', 'member'), 'vigil_worker stands apart from the reader chain');

select tap.ok(
  pg_catalog.has_function_privilege('vigil_reader', 'vigil.version()', 'execute')
  and pg_catalog.has_function_privilege('vigil_worker', 'vigil.version()', 'execute'),
  'vigil_reader and vigil_worker may call vigil.version()');

set local role vigil_reader;
select tap.lives_ok('select * from vigil.version()', 'vigil_reader really can read the version');
reset role;

select tap.ok(
  pg_catalog.shobj_description((select oid from pg_catalog.pg_roles where rolname = 'vigil_admin'), 'pg_authid') like 'pgvigil:%',
  'roles created by pgvigil carry the pgvigil: comment that uninstall looks for');

select * from tap.finish();
rollback;

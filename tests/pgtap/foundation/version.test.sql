-- vigil.version() reports the package version and the applied migrations,
-- and the repeatable layer is recorded file by file.
begin;
select tap.plan(5);

select tap.matches(
  (select package_version from vigil.version()),
  '^\d+\.\d+\.\d+',
  'version() returns a semantic package version');

select tap.ok(
  (select '0001_foundation' = any (migrations) from vigil.version()),
  'version() lists the foundation migration');

select tap.is(
  (select migrations[1] from vigil.version()),
  '0001_foundation',
  'migrations are listed in the order they ran');

select tap.ok(
  exists (select from vigil.sql_sources where path = 'sql/grants.sql')
  and exists (select from vigil.sql_sources where path = 'sql/functions/version.sql'),
  'sql_sources records the repeatable files, grants.sql included');

select tap.is_empty(
  $$select path from vigil.sql_sources where sha256 !~ '^[0-9a-f]{64}$'$$,
  'every recorded source has a sha256');

select * from tap.finish();
rollback;

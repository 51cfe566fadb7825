-- Nothing in vigil is granted to PUBLIC; every function pins its search_path
-- and is documented; SECURITY DEFINER appears only where a comment allows it.
begin;
select tap.plan(6);

select tap.ok(
  not pg_catalog.has_schema_privilege('public', 'vigil', 'usage')
  and not pg_catalog.has_schema_privilege('public', 'vigil', 'create'),
  'PUBLIC has no privilege on the vigil schema');

select tap.is_empty(
  $$select c.relname
      from pg_catalog.pg_class c
      cross join lateral pg_catalog.aclexplode(c.relacl) a
     where c.relnamespace = 'vigil'::regnamespace and a.grantee = 0$$,
  'no table, view or sequence in vigil is granted to PUBLIC');

select tap.is_empty(
  $$select p.oid::regprocedure::text
      from pg_catalog.pg_proc p
     where p.pronamespace = 'vigil'::regnamespace
       and (p.proacl is null
            or exists (select from pg_catalog.aclexplode(p.proacl) a where a.grantee = 0))$$,
  'no function in vigil is executable by PUBLIC (a NULL acl would mean it is)');

select tap.is_empty(
  $$select p.oid::regprocedure::text
      from pg_catalog.pg_proc p
     where p.pronamespace = 'vigil'::regnamespace
       and not exists (select from pg_catalog.unnest(p.proconfig) c where c like 'search\_path=%')$$,
  'every vigil function pins search_path');

select tap.is_empty(
  $$select p.oid::regprocedure::text
      from pg_catalog.pg_proc p
     where p.pronamespace = 'vigil'::regnamespace
       and p.proname !~ '^_'
       and pg_catalog.obj_description(p.oid, 'pg_proc') is null
    union all
    select c.oid::regclass::text
      from pg_catalog.pg_class c
     where c.relnamespace = 'vigil'::regnamespace
       and c.relkind in ('r', 'p', 'v', 'm')
       and c.relname !~ '^_'
       and pg_catalog.obj_description(c.oid, 'pg_class') is null$$,
  'every public function, table and view in vigil has a COMMENT ON');

select tap.is_empty(
  $$select p.oid::regprocedure::text
      from pg_catalog.pg_proc p
     where p.pronamespace = 'vigil'::regnamespace
       and p.prosecdef
       and p.prosrc !~* 'security definer because'$$,
  'SECURITY DEFINER is used only with a comment saying why ("security definer because ...")');

select * from tap.finish();
rollback;

-- Removes pgvigil from this database, leaving nothing behind: the vigil_*
-- pg_cron jobs of this database, the vigil schema with everything in it, and
-- the roles pgvigil created (their comment starts with 'pgvigil:').
--
-- Roles are global to the cluster. A role that pgvigil in another database
-- still uses cannot be dropped; it is kept, with a NOTICE that says where.
-- Run by `pgvigil uninstall`, or by hand: psql -f sql/uninstall.sql
begin;

do $uninstall$
declare
  v_jobid bigint;
  v_role  text;
begin
  if pg_catalog.to_regclass('cron.job') is not null
     and pg_catalog.has_table_privilege('cron.job', 'select') then
    for v_jobid in
      execute $q$select j.jobid from cron.job j
                  where j.jobname like 'vigil\_%' and j.database = pg_catalog.current_database()$q$
    loop
      execute 'select cron.unschedule($1)' using v_jobid;
    end loop;
  end if;

  drop schema if exists vigil cascade;

  for v_role in
    select r.rolname
      from pg_catalog.pg_roles r
      join pg_catalog.pg_shdescription d
        on d.objoid = r.oid and d.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass
     where r.rolname in ('vigil_reader', 'vigil_operator', 'vigil_admin', 'vigil_worker')
       and d.description like 'pgvigil:%'
     order by r.rolname desc
  loop
    begin
      execute format('drop role %I', v_role);
    exception when dependent_objects_still_exist then
      raise notice 'pgvigil: kept role %: %', v_role, sqlerrm
        using hint = 'pgvigil is still installed in another database of this cluster; uninstall it there too.';
    when insufficient_privilege then
      raise notice 'pgvigil: kept role %: %', v_role, sqlerrm
        using hint = 'Ask a superuser to DROP ROLE ' || v_role || '.';
    end;
  end loop;
end
$uninstall$;

commit;

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
  v_roles text;
begin
  -- (to_regclass raises in a schema this role may not use: usage first.)
  if pg_catalog.to_regnamespace('cron') is not null
     and pg_catalog.has_schema_privilege('cron', 'usage')
     and pg_catalog.to_regclass('cron.job') is not null
     and pg_catalog.has_table_privilege('cron.job', 'select') then
    for v_jobid in
      -- (vigil_*@<db> jobs belong to pgvigil in database <db>, scheduled
      -- from here by pgvigil schedule; its uninstall removes them.)
      execute $q$select j.jobid from cron.job j
                  where j.jobname like 'vigil\_%' and pg_catalog.strpos(j.jobname, '@') = 0
                    and j.database = pg_catalog.current_database()$q$
    loop
      execute 'select cron.unschedule($1)' using v_jobid;
    end loop;
  end if;

  drop schema if exists vigil cascade;

  -- The roles are one set (they include each other): drop all of them, or,
  -- when pgvigil in another database still uses any, keep all of them.
  select pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ', ' order by r.rolname)
    into v_roles
    from pg_catalog.pg_roles r
    join pg_catalog.pg_shdescription d
      on d.objoid = r.oid and d.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass
   where r.rolname in ('vigil_reader', 'vigil_operator', 'vigil_admin', 'vigil_worker')
     and d.description like 'pgvigil:%';
  if v_roles is not null then
    begin
      execute 'drop role ' || v_roles;
    exception
      when dependent_objects_still_exist then
        raise notice 'pgvigil: kept roles %: %', v_roles, sqlerrm
          using hint = 'pgvigil is still installed in another database of this cluster; uninstall it there too, and the roles go with the last one.';
      when insufficient_privilege then
        raise notice 'pgvigil: kept roles %: %', v_roles, sqlerrm
          using hint = 'Ask a superuser to run: DROP ROLE ' || v_roles || ';';
    end;
  end if;
end
$uninstall$;

commit;

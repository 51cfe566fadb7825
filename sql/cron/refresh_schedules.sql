-- Brings pgvigil's pg_cron jobs up to date on every migrate, where
-- vigil.schedule() installed them before: a new release may change a job's
-- command or schedule, and pg_cron 1.5 or newer lets vigil_tick run every
-- 15 seconds. Named jobs upsert, so this changes nothing when nothing
-- changed. It schedules nothing that was not scheduled: installing the jobs
-- is the DBA's choice (select vigil.schedule(); `pgvigil migrate` offers
-- it). Does nothing without pg_cron in this database. A failure (pg_cron
-- refusing) is a NOTICE, not a failed migrate; vigil.schedule() is all or
-- nothing.
do $refresh$
declare
  v_owner     text;
  v_scheduled boolean;
begin
  -- (to_regclass raises, rather than returning null, in a schema this role
  -- may not use: usage first.)
  if not exists (select from pg_catalog.pg_extension e where e.extname = 'pg_cron')
     or pg_catalog.to_regnamespace('cron') is null
     or not pg_catalog.has_schema_privilege('cron', 'usage') then
    return;
  end if;
  if pg_catalog.to_regclass('cron.job') is null
     or not pg_catalog.has_table_privilege('cron.job', 'select') then
    return;
  end if;
  -- The jobs belong to the owner of vigil.schedule() (security definer).
  select r.rolname into v_owner
    from pg_catalog.pg_proc p
    join pg_catalog.pg_roles r on r.oid = p.proowner
   where p.oid = 'vigil.schedule()'::pg_catalog.regprocedure;
  execute $q$select exists (select from cron.job j
                             where j.jobname = any ($1) and j.username = $2
                               and j.database = pg_catalog.current_database())$q$
    into v_scheduled
    using array(select c.job from vigil._cron_jobs(null) c), v_owner;
  if v_scheduled then
    begin
      perform vigil.schedule();
    exception when others then
      raise notice 'pgvigil: could not update its pg_cron jobs: %', sqlerrm
        using hint = 'Run select vigil.schedule(); to see why.';
    end;
  end if;
end
$refresh$;

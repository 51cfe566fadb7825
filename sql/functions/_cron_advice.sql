-- vigil._cron_advice(p_cron_database): what vigil.schedule() and
-- vigil.unschedule() say, as a NOTICE, when pg_cron is not in this database,
-- given where it is (vigil._cron_database()). They carry on: pgvigil works
-- without pg_cron, the worker's scheduler then calls vigil.tick().
--   null: pg_cron does not run in this cluster: run the worker's scheduler;
--   this database: pg_cron is preloaded but its extension is not created;
--   another database: schedule from there (pgvigil schedule uses
--   cron.schedule_in_database), or paste the SQL in the hint there.
create or replace function vigil._cron_advice(p_cron_database text)
returns table (message text, hint text)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_worker   constant text := 'run the worker''s scheduler: pgvigil worker (it calls vigil.tick() every 15 s)';
  v_here     text := pg_catalog.current_database();
  v_snippet  text;
begin
  if p_cron_database is null then
    message := 'pg_cron is not installed; ' || v_worker;
    hint := 'Or install pg_cron (shared_preload_libraries = ''pg_cron'', then create extension pg_cron in the database named by cron.database_name) and run select vigil.schedule(); there.';
  elsif p_cron_database = v_here then
    message := pg_catalog.format('pg_cron is preloaded but its extension is not created in this database (%s); until it is, %s', v_here, v_worker);
    hint := 'create extension pg_cron; (a superuser, or Database > Extensions on Supabase), then select vigil.schedule();';
  else
    select pg_catalog.string_agg(pg_catalog.format('select cron.schedule_in_database(%L, %L, %L, %L);',
                                                   j.job, j.schedule, j.command, coalesce(j.database, p_cron_database)), ' ')
      into v_snippet
      from vigil._cron_jobs(null, v_here) j;
    message := pg_catalog.format('pg_cron lives in database %s, not in this one (%s): its jobs cannot be scheduled from here; schedule them from %s, or %s',
                                 p_cron_database, v_here, p_cron_database, v_worker);
    hint := pg_catalog.format('Run pgvigil schedule --database-url <this database> (it connects to %s and uses cron.schedule_in_database), or run this in %s as the role that installed pgvigil: %s',
                              p_cron_database, p_cron_database, v_snippet);
  end if;
  return next;
end
$$;

comment on function vigil._cron_advice(text) is
  'The NOTICE (message, hint) of vigil.schedule() and vigil.unschedule() when pg_cron is not in this database, given the database it lives in (null: nowhere): run the worker''s scheduler, create the extension, or schedule from pg_cron''s database (pgvigil schedule, or the cron.schedule_in_database calls in the hint).';

-- vigil.remove_maintenance_job(p_name): removes a maintenance job and its
-- recorded runs (its maintenance_job_failures series resolves).
create or replace function vigil.remove_maintenance_job(p_name text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
-- security definer because vigil_admin manages jobs only through the API
-- and never writes vigil.maintenance_jobs directly.
begin
  delete from vigil.maintenance_jobs j where j.name = p_name;
  if not found then
    raise exception 'maintenance job % does not exist', coalesce(pg_catalog.quote_literal(p_name), 'NULL')
      using errcode = 'no_data_found', hint = 'See select name from vigil.maintenance_jobs;';
  end if;
  return true;
end
$$;

comment on function vigil.remove_maintenance_job(text) is
  'Removes a maintenance job and its recorded runs: select vigil.remove_maintenance_job(''vacuum_bloated''). Raises P0002 with a HINT when there is no such job.';

-- vigil._cron_database(): the database pg_cron lives in, as far as this
-- session can tell; null when pg_cron does not run in this cluster, or when
-- nothing says where it runs.
--
-- Why: pg_cron is created in one database of the cluster (cron.database_name,
-- "postgres" by default and on Supabase), and its schema is invisible from
-- every other one. vigil.schedule() says where to go instead of just "not
-- installed", and `pgvigil schedule` finds where to connect.
--
-- In order: this database, when the extension is here; the setting
-- cron.database_name, which only superusers and members of
-- pg_read_all_settings may read; else the database of pg_cron's scheduler in
-- pg_stat_activity (its datname and application_name are visible to every
-- role; its backend_type, when this role may see it, is preferred).
create or replace function vigil._cron_database()
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_database text;
begin
  if exists (select from pg_catalog.pg_extension e where e.extname = 'pg_cron') then
    return pg_catalog.current_database();
  end if;
  begin
    v_database := pg_catalog.current_setting('cron.database_name', true);
  exception when insufficient_privilege then
    v_database := null;
  end;
  if v_database is null then
    select a.datname into v_database
      from pg_catalog.pg_stat_activity a
     where a.datname is not null
       and (a.backend_type = 'pg_cron launcher' or a.application_name = 'pg_cron scheduler')
     order by (a.backend_type = 'pg_cron launcher') desc nulls last
     limit 1;
  end if;
  return v_database;
end
$$;

comment on function vigil._cron_database() is
  'The database pg_cron lives in: this one when the extension is here, else cron.database_name when readable, else the database of pg_cron''s scheduler in pg_stat_activity; null when pg_cron does not run in this cluster (or nothing says where).';

-- vigil._require_cron(): the version of pg_cron when it is in this database
-- and the current role may schedule with it; null, after a NOTICE saying
-- what to do instead (vigil._cron_advice), when it is not in this database.
-- Raises when it is here but unusable: a role without USAGE on schema cron
-- (a non-superuser must be granted it), or a pg_cron older than 1.3, which
-- has no named jobs to upsert. Called by vigil.schedule() and
-- vigil.unschedule() before they touch anything, so that nothing is ever
-- half-applied.
create or replace function vigil._require_cron()
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_version text;
  v_parts   integer[];
  v_advice  record;
begin
  select e.extversion into v_version from pg_catalog.pg_extension e where e.extname = 'pg_cron';
  if v_version is null then
    select a.message, a.hint into v_advice from vigil._cron_advice(vigil._cron_database()) a;
    raise notice '%', v_advice.message using hint = v_advice.hint;
    return null;
  end if;
  v_parts := pg_catalog.regexp_match(v_version, '^(\d+)\.(\d+)')::integer[];
  if v_parts is null or (v_parts[1], v_parts[2]) < (1, 3) then
    raise exception 'pg_cron % has no named jobs; pgvigil needs pg_cron 1.3 or newer', v_version
      using errcode = 'feature_not_supported', hint = 'Update it: alter extension pg_cron update;';
  end if;
  -- (to_regclass and has_table_privilege raise, rather than answer, in a
  -- schema this role may not use: usage first.)
  if pg_catalog.to_regnamespace('cron') is null
     or not pg_catalog.has_schema_privilege('cron', 'usage') then
    raise exception 'role % may not use pg_cron (no usage on schema cron)', current_user
      using errcode = 'insufficient_privilege',
            hint = pg_catalog.format('Ask a superuser to run: grant usage on schema cron to %I;', current_user);
  end if;
  if pg_catalog.to_regclass('cron.job') is null
     or not pg_catalog.has_table_privilege('cron.job', 'select') then
    raise exception 'role % may not use pg_cron (schema cron)', current_user
      using errcode = 'insufficient_privilege',
            hint = pg_catalog.format('Ask a superuser to run: grant usage on schema cron to %I;', current_user);
  end if;
  return v_version;
end
$$;

comment on function vigil._require_cron() is
  'The pg_cron version when the extension is in this database and the current role may use it; null after a NOTICE (vigil._cron_advice) when it is not here. Raises 42501 without USAGE on schema cron, 0A000 for pg_cron older than 1.3 (no named jobs).';

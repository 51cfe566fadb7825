-- vigil.version(): which pgvigil this database runs.
--
-- Why: every support question starts with "which version?", and the answer
-- must come from the database itself, not from whatever package is on the
-- laptop. The package version is written here literally; a test keeps it
-- equal to package.json.
create or replace function vigil.version()
returns table (package_version text, migrations text[])
language sql
stable
set search_path = ''
as $$
  select '0.1.0'::text,
         coalesce(pg_catalog.array_agg(m.name::text order by m.run_on, m.id), '{}'::text[])
    from vigil.pgmigrations m
$$;

comment on function vigil.version() is
  'The installed pgvigil package version and the numbered migrations applied, in order. Example: select * from vigil.version();';

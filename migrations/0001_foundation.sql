-- Up Migration
-- 0001 foundation: the bookkeeping every later release relies on, and
-- pgvigil's four roles.
--
-- Why here and not in sql/: tables and roles hold state, so they are created
-- once, by a numbered migration that is never edited after it is merged.
-- The schema itself and vigil.pgmigrations are created just before this file
-- runs (by `pgvigil migrate` or by the bundle), under the same advisory lock.

comment on schema vigil is
  'pgvigil: monitoring, alerting and maintenance that run inside PostgreSQL. See vigil.version().';

comment on table vigil.pgmigrations is
  'Numbered migrations applied to this database, by pgvigil migrate (node-pg-migrate) or by the bundle; one row each.';

create table vigil.sql_sources (
  path       text primary key
             check (path ~ '^sql/[a-z0-9_/.-]+\.sql$'),
  sha256     text not null
             check (sha256 ~ '^[0-9a-f]{64}$'),
  applied_at timestamptz not null default pg_catalog.now()
);

comment on table vigil.sql_sources is
  'The repeatable layer (sql/functions, sql/views, sql/cron, sql/grants.sql) as last applied: one row per file. applied_at changes only when the file''s content does.';
comment on column vigil.sql_sources.path is 'File path relative to the package root, e.g. sql/functions/version.sql.';
comment on column vigil.sql_sources.sha256 is 'SHA-256 of the file content that was applied, in hex.';
comment on column vigil.sql_sources.applied_at is 'When this content was first applied.';

-- The roles. They are global to the cluster, so another database's install
-- may already have made them, possibly at this very moment.
do $roles$
declare
  v_role    text;
  v_can     boolean;
  v_missing text[] := '{}';
begin
  select r.rolsuper or r.rolcreaterole into v_can
    from pg_catalog.pg_roles r
   where r.rolname = current_user;

  foreach v_role in array array['vigil_reader', 'vigil_operator', 'vigil_admin', 'vigil_worker'] loop
    continue when exists (select from pg_catalog.pg_roles r where r.rolname = v_role);
    if not v_can then
      v_missing := v_missing || v_role;
      continue;
    end if;
    begin
      execute format('create role %I nologin', v_role);
      -- The comment marks the role as pgvigil's own: uninstall drops only these.
      execute format('comment on role %I is %L', v_role,
        'pgvigil: ' || case v_role
          when 'vigil_reader'   then 'reads the vigil views (status, firing, events).'
          when 'vigil_operator' then 'acknowledges alerts, silences them and manages maintenance windows; includes vigil_reader.'
          when 'vigil_admin'    then 'configures checks, routes and channels; includes vigil_operator.'
          when 'vigil_worker'   then 'claims and settles outbox deliveries and reads channels.'
        end || ' Created by pgvigil migrate; removed by pgvigil uninstall.');
    exception when duplicate_object or unique_violation then
      null;  -- created concurrently by an install into another database
    end;
  end loop;

  if cardinality(v_missing) > 0 then
    raise notice 'pgvigil: % may not create roles, so % do not exist yet; pgvigil works without them, but nobody else can be granted access',
      current_user, array_to_string(v_missing, ', ')
      using hint = 'Ask a superuser or a role with CREATEROLE to run: '
        || (select string_agg(format('CREATE ROLE %I NOLOGIN;', m), ' ') from unnest(v_missing) m)
        || ' Then run pgvigil migrate again: it grants them their privileges.';
  end if;
end
$roles$;

// A snapshot of everything an install could leave behind in one database and
// in the cluster's roles, for before/after comparisons.
import type pg from 'pg';

export async function catalogSnapshot(client: pg.Client): Promise<Record<string, unknown>> {
  const hasCron = (await client.query(`select to_regclass('cron.job') is not null as ok`)).rows[0].ok as boolean;
  const r = await client.query(`
    select jsonb_build_object(
      'namespaces', (select jsonb_agg(nspname order by nspname) from pg_catalog.pg_namespace
                      where nspname !~ '^pg_(toast_)?temp_'),
      'relations', (select jsonb_agg(x order by x) from (
                      select n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || coalesce(c.relacl::text, '') as x
                        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                       where n.nspname !~ '^pg_(toast_)?temp_') s),
      'functions', (select jsonb_agg(x order by x) from (
                      select p.oid::regprocedure::text || ':' || coalesce(p.proacl::text, '') as x from pg_catalog.pg_proc p) s),
      'types', (select jsonb_agg(x order by x) from (select t.oid::regtype::text as x from pg_catalog.pg_type t) s),
      'roles', (select jsonb_agg(rolname order by rolname) from pg_catalog.pg_roles),
      'memberships', (select jsonb_agg(x order by x) from (
                      select m.roleid::regrole::text || '>' || m.member::regrole::text as x from pg_catalog.pg_auth_members m) s),
      'shared_comments', (select jsonb_agg(description order by description) from pg_catalog.pg_shdescription),
      'comments', (select count(*) from pg_catalog.pg_description),
      'default_acls', (select jsonb_agg(x order by x) from (
                      select d.defaclrole::regrole::text || ':' || d.defaclnamespace::text || ':' || d.defaclobjtype::text || ':' || d.defaclacl::text as x
                        from pg_catalog.pg_default_acl d) s),
      'extensions', (select jsonb_agg(extname || ' ' || extversion order by extname) from pg_catalog.pg_extension),
      'database_acl', (select datacl::text from pg_catalog.pg_database where datname = current_database()),
      'event_triggers', (select jsonb_agg(evtname order by evtname) from pg_catalog.pg_event_trigger)
    ) as snap`);
  const snap = r.rows[0].snap as Record<string, unknown>;
  if (hasCron) {
    const jobs = await client.query(`select jsonb_agg(jobname order by jobname) as j from cron.job`);
    snap.cron_jobs = jobs.rows[0].j;
  }
  return snap;
}

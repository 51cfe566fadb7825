// Installing as a role that is not a superuser, as on Supabase, where the
// "postgres" role has CREATEDB and CREATEROLE. Also: where Supabase's anon and
// authenticated roles exist, nothing in vigil is visible to them or
// executable by them, even when default privileges try to give it away.
// Roles are cluster-global, so this runs on a cluster of its own.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../src/migrate.js';
import { uninstall } from '../src/uninstall.js';
import { databaseUrl, localBinariesAvailable, startPrivateServer, type TestServer } from '../scripts/test-cluster.js';
import { clientBinary } from './helpers/db.js';
import { catalogSnapshot } from './helpers/catalog.js';
import { installTestExtensions, withClient } from './helpers/prepare.js';
import { pgtapFiles, runPgtap } from './helpers/pgtap.js';

function asUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  return u.toString();
}

describe.runIf(localBinariesAvailable())('install as a non-superuser', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPrivateServer();
    await withClient(server.url, async (c) => {
      // Supabase-like: the installer may create databases and roles, and may
      // create schemas in the app database, but is not a superuser.
      await c.query('create role installer login createdb createrole');
      await c.query('create role limited login');
      for (const db of ['app', 'app_limited', 'app_supabase']) await c.query(`create database ${db}`);
      await c.query('grant create on database app, app_supabase to installer');
      await c.query('grant create on database app_limited to limited');
    });
  });
  afterAll(async () => server?.stop());

  test('a role without CREATEROLE installs anyway, and a NOTICE says how to create the roles', async () => {
    const url = asUser(databaseUrl(server.url, 'app_limited'), 'limited');
    const log: string[] = [];
    await migrate({ databaseUrl: url, log: (l) => log.push(l) });
    const text = log.join('\n');
    expect(text).toMatch(/limited may not create roles, so vigil_reader, vigil_operator, vigil_admin, vigil_worker do not exist yet/);
    expect(text).toMatch(/HINT: .*CREATE ROLE vigil_reader NOLOGIN;/);
    const v = await withClient(url, (c) => c.query('select * from vigil.version()'));
    expect(v.rowCount).toBe(1);
  });

  test('CREATEDB + CREATEROLE is enough: roles, grants, the pgTAP suite, migrate twice, uninstall', async () => {
    const superApp = databaseUrl(server.url, 'app');
    await installTestExtensions(superApp, server.extensions); // a superuser's job, as on Supabase
    const url = asUser(superApp, 'installer');
    await migrate({ databaseUrl: url });

    const owner = await withClient(url, (c) =>
      c.query(`select nspowner::regrole::text as o from pg_namespace where nspname = 'vigil'`),
    );
    expect(owner.rows[0].o).toBe('installer');
    const roles = await withClient(url, (c) =>
      c.query(`select rolname, rolsuper, shobj_description(oid, 'pg_authid') like 'pgvigil:%' as ours
                 from pg_roles where rolname like 'vigil\\_%' order by 1`),
    );
    expect(roles.rows).toEqual(
      ['vigil_admin', 'vigil_operator', 'vigil_reader', 'vigil_worker'].map((rolname) => ({ rolname, rolsuper: false, ours: true })),
    );
    const nested = await withClient(superApp, (c) =>
      c.query(`select pg_has_role('vigil_admin', 'vigil_reader', 'member') as ok`),
    );
    expect(nested.rows[0].ok).toBe(true);

    // The pgTAP files that need no superuser pass when run as the installer.
    const files = pgtapFiles().filter((f) => !f.requires.includes('superuser') && f.requires.every((r) => server.extensions.includes(r)));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const run = runPgtap(clientBinary('psql', server.bindir), url, f.path);
      expect(run.ok, `${f.name}\n${run.output}`).toBe(true);
    }

    // A catalog snapshot, not pg_dump: the version matrix has no pg_dump of its own.
    const before = await withClient(url, (c) => catalogSnapshot(c));
    const again = await migrate({ databaseUrl: url });
    expect(again.migrations).toEqual([]);
    expect(again.changed).toEqual([]);
    expect(await withClient(url, (c) => catalogSnapshot(c))).toEqual(before);

    await uninstall({ databaseUrl: url });
    const left = await withClient(url, (c) =>
      c.query(`select (select count(*)::int from pg_namespace where nspname = 'vigil') as schemas,
                      (select count(*)::int from pg_roles where rolname like 'vigil\\_%') as roles`),
    );
    expect(left.rows[0]).toEqual({ schemas: 0, roles: 0 });
  });

  test('Supabase: anon and authenticated get nothing, even with default privileges that grant them everything', async () => {
    await withClient(server.url, async (c) => {
      for (const r of ['anon', 'authenticated', 'service_role']) await c.query(`create role ${r} nologin`);
      // The worst case: global default privileges of the installing role.
      await c.query(`alter default privileges for role installer grant all on tables to anon, authenticated`);
      await c.query(`alter default privileges for role installer grant all on sequences to anon, authenticated`);
      await c.query(`alter default privileges for role installer grant all on functions to anon, authenticated`);
      await c.query(`alter default privileges for role installer grant all on schemas to anon, authenticated`);
    });
    const url = asUser(databaseUrl(server.url, 'app_supabase'), 'installer');
    await migrate({ databaseUrl: url });
    const leaks = await withClient(url, (c) =>
      c.query(`
        with api(role) as (values ('anon'), ('authenticated')),
        objs as (
          select 'schema vigil' as obj, n.nspacl as acl from pg_namespace n where n.nspname = 'vigil'
          union all
          select c.oid::regclass::text, c.relacl from pg_class c where c.relnamespace = 'vigil'::regnamespace
          union all
          select p.oid::regprocedure::text, p.proacl from pg_proc p where p.pronamespace = 'vigil'::regnamespace
        )
        select o.obj, a.grantee::regrole::text as grantee, a.privilege_type
          from objs o cross join lateral aclexplode(o.acl) a
         where a.grantee in (select oid from pg_roles where rolname in (select role from api)) or a.grantee = 0
        union all
        select 'function without acl (PUBLIC may execute): ' || p.oid::regprocedure::text, 'public', 'EXECUTE'
          from pg_proc p where p.pronamespace = 'vigil'::regnamespace and p.proacl is null`),
    );
    expect(leaks.rows).toEqual([]);
    const probe = await withClient(url, (c) =>
      c.query(`select has_schema_privilege('anon', 'vigil', 'usage') as anon_usage,
                      has_schema_privilege('authenticated', 'vigil', 'usage') as auth_usage,
                      has_function_privilege('anon', 'vigil.version()', 'execute') as anon_exec,
                      has_table_privilege('authenticated', 'vigil.sql_sources', 'select') as auth_select`),
    );
    expect(probe.rows[0]).toEqual({ anon_usage: false, auth_usage: false, anon_exec: false, auth_select: false });
  });
});

// pgvigil uninstall leaves nothing behind: the catalog of the database and
// the cluster's roles after uninstall equal those before install. Roles are
// cluster-global, so this runs on a cluster of its own.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../src/migrate.js';
import { uninstall } from '../src/uninstall.js';
import { databaseUrl, localBinariesAvailable, startPrivateServer, type TestServer } from '../scripts/test-cluster.js';
import { catalogSnapshot } from './helpers/catalog.js';
import { installCron, withClient } from './helpers/prepare.js';
import { runCli } from './helpers/cli.js';

describe.runIf(localBinariesAvailable())('pgvigil uninstall', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPrivateServer();
    await installCron(server);
  });
  afterAll(async () => server?.stop());

  const snapshot = (url: string) => withClient(url, (c) => catalogSnapshot(c));
  const roles = (url: string) =>
    withClient(url, async (c) => (await c.query(`select rolname from pg_roles where rolname like 'vigil\\_%' order by 1`)).rows.map((r) => r.rolname as string));

  test('catalog before install equals catalog after uninstall, cron jobs and roles included', async () => {
    const hasCron = server.preloaded.includes('pg_cron');
    // pg_cron lives in "postgres", as on Supabase: install pgvigil right there.
    const url = server.url;
    if (hasCron) await withClient(url, (c) => c.query(`select cron.schedule('keep_me', '0 3 * * *', 'select 1')`));
    const before = await snapshot(url);
    if (hasCron) expect(before.cron_jobs).toEqual(['keep_me']);

    await migrate({ databaseUrl: url });
    if (hasCron) await withClient(url, (c) => c.query(`select cron.schedule('vigil_probe', '* * * * *', 'select 1')`));
    expect(await roles(url)).toEqual(['vigil_admin', 'vigil_operator', 'vigil_reader', 'vigil_worker']);
    expect(await snapshot(url)).not.toEqual(before);

    const log: string[] = [];
    await uninstall({ databaseUrl: url, log: (l) => log.push(l) });
    expect(await snapshot(url)).toEqual(before);
    expect(log.join('\n')).toMatch(/uninstalled/);
  });

  test('a role still used by pgvigil in another database is kept, with a NOTICE, until that one is uninstalled too', async () => {
    await withClient(server.url, async (c) => {
      await c.query('create database app_one');
      await c.query('create database app_two');
    });
    const one = databaseUrl(server.url, 'app_one');
    const two = databaseUrl(server.url, 'app_two');
    const before = await snapshot(one);
    await migrate({ databaseUrl: one });
    await migrate({ databaseUrl: two });

    const log: string[] = [];
    await uninstall({ databaseUrl: one, log: (l) => log.push(l) });
    expect(log.join('\n')).toMatch(/kept roles vigil_admin, vigil_operator, vigil_reader, vigil_worker/);
    expect(log.join('\n')).toMatch(/HINT: pgvigil is still installed in another database/);
    expect(await roles(one)).toHaveLength(4);
    const v = await withClient(two, (c) => c.query('select * from vigil.version()'));
    expect(v.rowCount).toBe(1);

    const run = await runCli(['uninstall', '--database-url', two]);
    expect(run.code, run.stderr).toBe(0);
    expect(await roles(one)).toEqual([]);
    expect(await snapshot(one)).toEqual(before);
  });

  test('uninstall of a database without pgvigil is harmless', async () => {
    await withClient(server.url, (c) => c.query('create database never_installed'));
    const url = databaseUrl(server.url, 'never_installed');
    const before = await snapshot(url);
    await uninstall({ databaseUrl: url });
    expect(await snapshot(url)).toEqual(before);
  });
});

// Keep the import used when the suite is skipped.
void pg;

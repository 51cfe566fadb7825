// pgvigil's pg_cron jobs, with a real pg_cron: vigil.schedule() where
// pg_cron lives in pgvigil's database, pgvigil schedule (cron.schedule_in_database)
// where it lives in another one, upserts, unschedule, the clean-up of
// cron.job_run_details, and pg_cron really running vigil.tick() in both.
//
// A private cluster, as on Supabase: pg_cron in "postgres", pgvigil
// installed there and in "app" by a role that is not a superuser. The jobs
// are scheduled before anything else, so that the one minute boundary the
// suite waits for passes while the other tests run; this is the only test
// that waits for pg_cron.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../src/migrate.js';
import { schedule, unschedule } from '../src/schedule.js';
import { uninstall } from '../src/uninstall.js';
import { databaseUrl, localBinariesAvailable, startPrivateServer, type TestServer } from '../scripts/test-cluster.js';
import { clientBinary } from './helpers/db.js';
import { runCli } from './helpers/cli.js';
import { installCron, installTestExtensions, withClient } from './helpers/prepare.js';
import { runPgtap } from './helpers/pgtap.js';

const PGTAP_CRON = join(import.meta.dirname, 'pgtap-cron', 'schedules');

function asUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  return u.toString();
}

interface Job {
  jobid: string;
  jobname: string;
  schedule: string;
  command: string;
  database: string;
  username: string;
}

/** Polls fn until it returns something truthy, at most timeoutMs. */
async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe.runIf(localBinariesAvailable())('pg_cron schedules', () => {
  let server: TestServer;
  let hasCron = false;
  let cronUrl = ''; // "postgres", as the superuser
  let here = ''; // "postgres", as the installer
  let app = ''; // "app", as the installer
  const logs = { here: [] as string[], app: [] as string[], scheduleHere: [] as string[] };
  let scheduleApp: Awaited<ReturnType<typeof runCli>>;
  let scheduledAt = 0;

  const jobs = (): Promise<Job[]> =>
    withClient(cronUrl, async (c) => (await c.query<Job>(`select * from cron.job where jobname like 'vigil\\_%' order by jobid`)).rows);

  beforeAll(async () => {
    server = await startPrivateServer();
    hasCron = server.preloaded.includes('pg_cron');
    if (!hasCron) return;
    await installCron(server);
    cronUrl = server.url;
    await withClient(server.url, async (c) => {
      // Supabase-like: the installer may create roles and schemas, and use
      // pg_cron, but is not a superuser.
      await c.query('create role installer login createdb createrole');
      await c.query('create database app');
      await c.query('grant create on database postgres, app to installer');
      await c.query('grant usage on schema cron to installer');
      await c.query('grant execute on function cron.schedule_in_database(text, text, text, text, text, boolean) to installer');
    });
    await installTestExtensions(server.url, server.extensions);
    here = asUser(server.url, 'installer');
    app = asUser(databaseUrl(server.url, 'app'), 'installer');
    await migrate({ databaseUrl: here, log: (l) => logs.here.push(l) });
    await migrate({ databaseUrl: app, log: (l) => logs.app.push(l) });

    // Not in the last seconds of a minute: the jobs must be loaded by
    // pg_cron before the boundary they are to run at.
    const s = new Date().getSeconds();
    if (s >= 55) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
    await migrate({ databaseUrl: here, schedule: true, log: (l) => logs.scheduleHere.push(l) });
    scheduleApp = await runCli(['schedule', '--database-url', app]);
    scheduledAt = Date.now();
  });

  afterAll(async () => server?.stop());

  test('migrate offers to schedule: pg_cron here, or in another database', () => {
    expect(hasCron, 'pg_cron is not preloaded on this server').toBe(true);
    expect(logs.here.join('\n')).toContain('pg_cron is installed here: run select vigil.schedule();');
    expect(logs.app.join('\n')).toContain('pg_cron lives in database postgres: pgvigil schedule');
  });

  test('migrate --schedule installs the three jobs here, owned by the installer', async () => {
    expect(logs.scheduleHere.join('\n')).toMatch(/scheduled vigil_tick \(\* \* \* \* \*\) in database postgres: select vigil\.tick\(\)/);
    const mine = (await jobs()).filter((j) => j.database === 'postgres' && !j.jobname.includes('@'));
    expect(mine.map((j) => [j.jobname, j.schedule, j.command, j.username])).toEqual([
      ['vigil_tick', '* * * * *', 'select vigil.tick()', 'installer'],
      ['vigil_rotate', '7 * * * *', 'select vigil.rotate_partitions()', 'installer'],
      ['vigil_housekeeping', '17 3 * * *', 'select vigil.run_housekeeping()', 'installer'],
    ]);
    // Scheduled now, so a later migrate has nothing to offer.
    const log: string[] = [];
    await migrate({ databaseUrl: here, log: (l) => log.push(l) });
    expect(log.join('\n')).not.toContain('pg_cron is installed here');
    expect((await jobs()).filter((j) => j.database === 'postgres' && !j.jobname.includes('@'))).toEqual(mine);
  });

  test('pgvigil schedule from another database: cron.schedule_in_database, named @app, twice the same as once', async () => {
    expect(scheduleApp.code, scheduleApp.stderr).toBe(0);
    expect(scheduleApp.stderr).toMatch(/scheduled vigil_tick@app \(\* \* \* \* \*\) from database postgres in database app/);
    const before = (await jobs()).filter((j) => j.jobname.endsWith('@app'));
    expect(before.map((j) => [j.jobname, j.database, j.username])).toEqual([
      ['vigil_tick@app', 'app', 'installer'],
      ['vigil_rotate@app', 'app', 'installer'],
      ['vigil_housekeeping@app', 'app', 'installer'],
      ['vigil_cron_cleanup@app', 'postgres', 'installer'],
    ]);
    // The installer may not read cron.database_name: pg_cron was found
    // through its scheduler's session. Again, by the library: an upsert.
    const again = await schedule({ databaseUrl: app });
    expect(again.map((j) => j.jobid)).toEqual(before.map((j) => Number(j.jobid)));
    expect((await jobs()).filter((j) => j.jobname.endsWith('@app'))).toEqual(before);
  });

  test("vigil.schedule() in pgvigil's database without pg_cron: a NOTICE saying where pg_cron is, and no error", async () => {
    const notices: string[] = [];
    const rows = await withClient(app, async (c) => {
      c.on('notice', (n) => notices.push(`${n.message}\nHINT: ${n.hint ?? ''}`));
      return (await c.query('select * from vigil.schedule()')).rows;
    });
    expect(rows).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^pg_cron lives in database postgres, not in this one \(app\).*pgvigil worker/);
    expect(notices[0]).toMatch(/HINT: Run pgvigil schedule .*select cron\.schedule_in_database\('vigil_tick@app', /);
  });

  describe('pgTAP with pg_cron in the database (tests/pgtap-cron)', () => {
    const files = readdirSync(PGTAP_CRON).filter((f) => f.endsWith('.test.sql')).sort();
    test.each(files)('schedules/%s', (file) => {
      const run = runPgtap(clientBinary('psql', server.bindir), cronUrl, join(PGTAP_CRON, file));
      if (!run.ok) throw new Error(`pgTAP failed: ${run.count - run.pass} of ${run.count} failed\n${run.output}`);
      expect(run.pass).toBe(run.count);
    });
  });

  test('pg_cron really runs vigil_tick, in its own database and in the other one', async () => {
    const before = await jobs();
    const tick = before.find((j) => j.jobname === 'vigil_tick')!;
    const tickApp = before.find((j) => j.jobname === 'vigil_tick@app')!;
    // One minute boundary: the jobs run at the first one after they were scheduled.
    const remaining = Math.max(75_000 - (Date.now() - scheduledAt), 1_000);
    const runs = await withClient(cronUrl, (c) =>
      until(
        'both vigil_tick jobs to run',
        async () => {
          const r = await c.query<{ jobid: string; status: string; return_message: string }>(
            `select jobid, status, return_message from cron.job_run_details
              where jobid = any ($1::bigint[]) and status in ('succeeded', 'failed')`,
            [[tick.jobid, tickApp.jobid]],
          );
          return new Set(r.rows.map((row) => row.jobid)).size === 2 ? r.rows : null;
        },
        remaining,
      ),
    );
    expect(runs.map((r) => [r.status, r.return_message])).toEqual([
      ['succeeded', 'SELECT 1'],
      ['succeeded', 'SELECT 1'],
    ]);
    // Each tick was recorded as pg_cron's (here pg_cron runs jobs in
    // background workers: backend_type pg_cron), in "app" too, where pg_cron
    // is not visible; so a worker there in tick mode auto stands by.
    for (const url of [here, app]) {
      const t = await withClient(url, (c) =>
        c.query<{ last_tick_at: Date | null; last_cron_tick_at: Date | null; should_tick: boolean }>(
          `select t.last_tick_at, t.last_cron_tick_at, w.should_tick from vigil.tick_state t, vigil._worker_should_tick() w`,
        ),
      );
      expect(t.rows[0]!.last_tick_at, url).not.toBeNull();
      expect(t.rows[0]!.last_cron_tick_at, url).toEqual(t.rows[0]!.last_tick_at);
      expect(t.rows[0]!.should_tick, url).toBe(false);
    }
    // And the self-check sees pgvigil's own job, healthy.
    const check = await withClient(here, (c) =>
      c.query<{ value: number }>(`select value from vigil.check_cron_job_failures('{}') where series = 'vigil_tick'`),
    );
    expect(check.rows).toEqual([{ value: 0 }]);
  });

  test('every migrate brings scheduled jobs up to date (sql/cron/refresh_schedules.sql)', async () => {
    await withClient(cronUrl, (c) => c.query(`update cron.job set schedule = '0 0 1 1 *' where jobname = 'vigil_tick' and database = 'postgres'`));
    await migrate({ databaseUrl: here });
    expect((await jobs()).find((j) => j.jobname === 'vigil_tick')!.schedule).toBe('* * * * *');
  });

  test('unschedule removes them, in both places; uninstall leaves no vigil job behind', async () => {
    const removed = await unschedule({ databaseUrl: app });
    expect(removed.map((j) => j.job)).toEqual(['vigil_tick@app', 'vigil_rotate@app', 'vigil_housekeeping@app', 'vigil_cron_cleanup@app']);
    const run = await runCli(['unschedule', '--database-url', here]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('unscheduled vigil_tick [jobid');
    expect(await jobs()).toEqual([]);
    expect(await unschedule({ databaseUrl: app })).toEqual([]);

    // Scheduled from elsewhere again, then uninstalled: the jobs go too.
    await schedule({ databaseUrl: app });
    expect((await jobs()).length).toBe(4);
    const log: string[] = [];
    await uninstall({ databaseUrl: app, log: (l) => log.push(l) });
    expect(log.join('\n')).toContain('unscheduled vigil_tick@app in database postgres');
    expect(await jobs()).toEqual([]);
  });
});

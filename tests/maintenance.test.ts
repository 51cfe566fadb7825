// Maintenance jobs against a real server (docs/maintenance.md): the runner
// (src/maintenance.ts, as used by `pgvigil maintain` and the worker's
// scheduler) really vacuums the tables the dead-ratio condition picks, really
// refreshes a materialized view (CONCURRENTLY where a unique index allows),
// and records failures so that maintenance_job_failures fires.
import { describe, expect, test } from 'vitest';
import { createLogger } from '../src/log.js';
import { runMaintenance } from '../src/maintenance.js';
import { startWorker } from '../src/worker.js';
import { runCli } from './helpers/cli.js';
import { databasesForThisFile, ident, server, withClient, type TestDatabase } from './helpers/db.js';

const fresh = databasesForThisFile();

async function deadTuples(db: TestDatabase, table: string): Promise<number> {
  const r = await db.query<{ n: string }>(
    `select coalesce((select n_dead_tup from pg_catalog.pg_stat_user_tables where relid = $1::regclass), 0)::text as n`,
    [table],
  );
  return Number(r.rows[0]!.n);
}

/** Polls until pred holds (PostgreSQL 14 reports statistics through the collector, with a delay). */
async function until(what: string, pred: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function flushStats(db: TestDatabase): Promise<void> {
  // 15+: flush this backend's counters now (a closing backend flushes anyway).
  await db.query(`do $$ begin if pg_catalog.current_setting('server_version_num')::int >= 150000 then perform pg_catalog.pg_stat_force_next_flush(); end if; end $$`);
}

describe('maintenance jobs', () => {
  test('a vacuum_analyze job with a dead-ratio condition really vacuums the bloated table, and only it', async () => {
    const db = await fresh();
    await db.query(`create schema app`);
    await db.query(`create table app.bloated (id int primary key, pad text) with (autovacuum_enabled = false)`);
    await db.query(`create table app.healthy (id int primary key, pad text) with (autovacuum_enabled = false)`);
    await db.query(`insert into app.bloated select g, repeat('x', 50) from generate_series(1, 10000) g`);
    await db.query(`insert into app.healthy select g, repeat('x', 50) from generate_series(1, 10000) g`);
    await db.query(`delete from app.bloated where id % 2 = 0`);
    await db.query(`delete from app.healthy where id <= 500`); // 5 % dead: under the condition
    await flushStats(db);
    await until('n_dead_tup of app.bloated', async () => (await deadTuples(db, 'app.bloated')) >= 5000);
    await until('n_dead_tup of app.healthy', async () => (await deadTuples(db, 'app.healthy')) >= 500);

    await db.query(`select vigil.add_maintenance_job('vacuum_bloated', 'vacuum_analyze', '1 hour',
                      p_condition => '{"dead_ratio_over": 0.2, "min_dead_tuples": 1000, "schemas": ["app"]}')`);
    const pass = await runMaintenance({ databaseUrl: db.url });
    expect(pass.runs).toEqual([expect.objectContaining({ job: 'vacuum_bloated', statement: 'VACUUM (ANALYZE) app.bloated', status: 'ok' })]);

    await until('VACUUM to reset n_dead_tup', async () => (await deadTuples(db, 'app.bloated')) < 5000);
    expect(await deadTuples(db, 'app.bloated')).toBe(0);
    expect(await deadTuples(db, 'app.healthy')).toBeGreaterThanOrEqual(500);
    const last = await db.query(`select last_vacuum is not null as vacuumed, last_analyze is not null as analyzed
                                   from pg_catalog.pg_stat_user_tables where relid = 'app.bloated'::regclass`);
    expect(last.rows[0]).toEqual({ vacuumed: true, analyzed: true });

    const runs = await db.query(`select job, status, statement, detail->>'n_dead_tup' as dead from vigil.maintenance_runs`);
    expect(runs.rows).toEqual([{ job: 'vacuum_bloated', status: 'ok', statement: 'VACUUM (ANALYZE) app.bloated', dead: expect.any(String) }]);
    const job = await db.query(`select last_status, next_due_at - last_run_at as gap from vigil.maintenance_jobs`);
    expect(job.rows[0]).toEqual({ last_status: 'ok', gap: expect.objectContaining({ hours: 1 }) });
    // Not due again within the hour.
    expect((await runMaintenance({ databaseUrl: db.url })).runs).toEqual([]);
  });

  test('a refresh_matview job really refreshes, CONCURRENTLY when a unique index allows it', async () => {
    const db = await fresh();
    await db.query(`create schema app`);
    await db.query(`create table app.orders (id int primary key, amount numeric not null)`);
    await db.query(`insert into app.orders values (1, 10), (2, 20)`);
    await db.query(`create materialized view app.order_totals as select id, amount from app.orders`);
    await db.query(`create unique index on app.order_totals (id)`);
    await db.query(`create materialized view app.order_sum as select sum(amount) as total from app.orders`);
    await db.query(`insert into app.orders values (3, 30), (4, 40)`);
    await db.query(`select vigil.add_maintenance_job('refresh_totals', 'refresh_matview', '5 minutes', p_target => 'app.order_totals')`);
    await db.query(`select vigil.add_maintenance_job('refresh_sum', 'refresh_matview', '5 minutes', p_target => 'app.order_sum')`);
    expect((await db.query(`select count(*)::int as n from app.order_totals`)).rows[0]).toEqual({ n: 2 });

    const pass = await runMaintenance({ databaseUrl: db.url });
    expect(pass.runs.map((r) => [r.job, r.statement, r.status])).toEqual([
      ['refresh_sum', 'REFRESH MATERIALIZED VIEW app.order_sum', 'ok'],
      ['refresh_totals', 'REFRESH MATERIALIZED VIEW CONCURRENTLY app.order_totals', 'ok'],
    ]);
    expect((await db.query(`select count(*)::int as n from app.order_totals`)).rows[0]).toEqual({ n: 4 });
    expect((await db.query(`select total::int from app.order_sum`)).rows[0]).toEqual({ total: 100 });
    const recorded = await db.query(`select statement from vigil.maintenance_runs where job = 'refresh_totals'`);
    expect(recorded.rows).toEqual([{ statement: 'REFRESH MATERIALIZED VIEW CONCURRENTLY app.order_totals' }]);
  });

  test('failures are recorded with their SQLSTATE and raise maintenance_job_failures: an error, and a VACUUM the role may not run', async () => {
    const db = await fresh();
    const role = `${db.name}_m`;
    await db.query(`create role ${role} nologin`);
    try {
      await db.query(`create schema app`);
      await db.query(`grant usage on schema app to ${role}`);
      await db.query(`create table app.t (id int)`);
      await db.query(`select vigil.add_maintenance_job('broken', 'sql', '1 hour', p_target => 'select 1/0')`);
      await db.query(`select vigil.add_maintenance_job('not_owner', 'vacuum_analyze', '1 hour', p_target => 'app.t', p_run_as => $1)`, [role]);
      const at = new Date('2026-03-10T12:00:00Z');
      const pass = await runMaintenance({ databaseUrl: db.url, now: at });
      expect(pass.runs).toEqual([
        expect.objectContaining({ job: 'broken', statement: 'select 1/0', status: 'error', sqlstate: '22012', error: 'division by zero' }),
        expect.objectContaining({ job: 'not_owner', statement: 'VACUUM (ANALYZE) app.t', status: 'error', sqlstate: '42501' }),
      ]);
      const runs = await db.query(`select job, status, sqlstate, run_as from vigil.maintenance_runs order by job`);
      expect(runs.rows).toEqual([
        { job: 'broken', status: 'error', sqlstate: '22012', run_as: expect.any(String) },
        { job: 'not_owner', status: 'error', sqlstate: '42501', run_as: role },
      ]);
      await db.query(`select vigil.run_check('maintenance_job_failures', p_now => $1)`, [at]);
      const alerts = await db.query(`select series, state from vigil.alert_state where check_name = 'maintenance_job_failures' order by series`);
      expect(alerts.rows.map((r) => r.series)).toEqual(['broken', 'not_owner']);
    } finally {
      await db.drop();
      await withClient(server().url, (c) => c.query(`drop role if exists ${ident(role)}`));
    }
  });

  test("the worker's scheduler runs the due jobs after its tick", async () => {
    const db = await fresh();
    await db.query(`create table public.marks (at timestamptz default now())`);
    await db.query(`select vigil.add_maintenance_job('mark', 'sql', '1 hour', p_target => 'insert into public.marks default values')`);
    const lines: string[] = [];
    const w = await startWorker({
      databaseUrl: db.url, tick: true, tickEveryMs: 60_000, pollMs: 100, shutdownMs: 3_000, poolSize: 2,
      logger: createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } }),
    });
    try {
      await until('the maintenance run', async () => (await db.query('select from vigil.maintenance_runs')).rowCount === 1);
    } finally {
      await w.stop();
    }
    expect((await db.query(`select count(*)::int as n from public.marks`)).rows[0]).toEqual({ n: 1 });
    expect((await db.query(`select job, status from vigil.maintenance_runs`)).rows).toEqual([{ job: 'mark', status: 'ok' }]);
    expect(lines.some((l) => l.includes('maintenance job ran'))).toBe(true);
  });

  test('a worker standing by while pg_cron ticks still runs the due jobs (pg_cron runs none)', async () => {
    const db = await fresh();
    await db.query(`create table public.marks (at timestamptz default now())`);
    await db.query(`select vigil.add_maintenance_job('mark', 'sql', '1 hour', p_target => 'insert into public.marks default values')`);
    // pg_cron ticked a moment ago (as vigil.tick() records it): the worker stands by.
    await db.query(`update vigil.tick_state set last_cron_tick_at = now()`);
    const w = await startWorker({ databaseUrl: db.url, tick: 'auto', tickEveryMs: 60_000, pollMs: 100, shutdownMs: 3_000, poolSize: 2, logger: createLogger({ level: 'silent' }) });
    try {
      expect(w.ticking).toBe(false);
      await until('the maintenance run', async () => (await db.query('select from vigil.maintenance_runs')).rowCount === 1);
    } finally {
      await w.stop();
    }
    expect((await db.query(`select job, status from vigil.maintenance_runs`)).rows).toEqual([{ job: 'mark', status: 'ok' }]);
    // It stood by: no tick of its own.
    expect((await db.query(`select last_tick_at from vigil.tick_state`)).rows[0]).toEqual({ last_tick_at: null });
  });

  test('a long statement does not hold up the ticks, and is cancelled and recorded at shutdown', async () => {
    const db = await fresh();
    await db.query(`select vigil.add_maintenance_job('slow', 'sql', '1 hour', p_target => 'select pg_catalog.pg_sleep(60)')`);
    const w = await startWorker({
      databaseUrl: db.url, tick: true, tickEveryMs: 200, pollMs: 100, shutdownMs: 300, poolSize: 4,
      logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
    });
    let stopped = false;
    try {
      await until('the slow statement to start', async () =>
        (await db.query(`select from pg_catalog.pg_stat_activity where datname = current_database() and query like '%pg_sleep(60)%' and pid <> pg_backend_pid()`)).rowCount === 1);
      const lastTick = async () => (await db.query<{ at: string | null }>(`select last_tick_at::text as at from vigil.tick_state`)).rows[0]?.at ?? null;
      const before = await lastTick();
      await until('more ticks while it sleeps', async () => (await lastTick()) !== before);
      const t0 = Date.now();
      await w.stop();
      stopped = true;
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      if (!stopped) await w.stop();
    }
    expect((await db.query(`select status, sqlstate from vigil.maintenance_runs`)).rows).toEqual([{ status: 'error', sqlstate: '57014' }]);
  });

  test('pgvigil maintain runs one pass from the command line, exit code 1 when a statement failed', async () => {
    const db = await fresh();
    await db.query(`create table public.marks (n int)`);
    await db.query(`select vigil.add_maintenance_job('mark', 'sql', '1 hour', p_target => 'insert into public.marks values (1)')`);
    let run = await runCli(['maintain', '--database-url', db.url]);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { runs: Array<{ job: string; status: string }> }).runs.map((r) => `${r.job}:${r.status}`)).toEqual(['mark:ok']);
    await db.query(`select vigil.add_maintenance_job('boom', 'sql', '1 hour', p_target => 'select 1/0')`);
    run = await runCli(['maintain', '--database-url', db.url]);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { runs: Array<{ job: string; status: string }> }).runs.map((r) => `${r.job}:${r.status}`)).toEqual(['boom:error']);
    expect((await db.query(`select count(*)::int as n from public.marks`)).rows[0]).toEqual({ n: 1 });
  });

  test('a sql job that leaves a transaction open is rolled back and recorded as failed', async () => {
    const db = await fresh();
    await db.query(`create table public.marks (n int)`);
    await db.query(`select vigil.add_maintenance_job('open', 'sql', '1 hour', p_target => 'begin; insert into public.marks values (2)')`);
    const pass = await runMaintenance({ databaseUrl: db.url });
    expect(pass.runs).toEqual([expect.objectContaining({ job: 'open', status: 'error', sqlstate: '25001' })]);
    expect((await db.query(`select count(*)::int as n from public.marks`)).rows[0]).toEqual({ n: 0 });
    expect((await db.query(`select status, sqlstate from vigil.maintenance_runs`)).rows).toEqual([{ status: 'error', sqlstate: '25001' }]);
  });
});

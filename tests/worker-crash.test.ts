// The worker when things go wrong: killed mid-batch (SIGKILL), PostgreSQL
// restarting under it, stopped with SIGTERM while rows are in flight; plus
// the scheduler fallback and the command line's flags. Real PostgreSQL and a
// real HTTP receiver on 127.0.0.1 in this process.
//
// Each delivery scenario ends by proving that every outbox row is delivered
// (or dead for a stated reason), that the receiver saw as many distinct
// webhook-ids as there are rows, and how many duplicates it saw, within a
// bound the scenario justifies (delivery is at least once).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { createLogger, type Logger } from '../src/log.js';
import { migrate } from '../src/migrate.js';
import { TICK_LOCK_KEY, type TickResult } from '../src/tick.js';
import { startWorker, type Worker } from '../src/worker.js';
import { databaseUrl, localBinariesAvailable, startPrivateServer, type TestServer } from '../scripts/test-cluster.js';
import { CLI_COMMAND, runCli } from './helpers/cli.js';
import { databasesForThisFile, withClient } from './helpers/db.js';

const ROOT = join(import.meta.dirname, '..');
const newDatabase = databasesForThisFile();

// --- helpers -------------------------------------------------------------------

/** Polls cond until it holds; fails after timeoutMs saying what it waited for. */
async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface Receiver {
  url: string;
  /** Requests per webhook-id. */
  seen: Map<string, number>;
  /** Requests per path prefix ('/slow', ...). */
  byPath(prefix: string): number;
  total(): number;
  duplicates(): number;
  /** Called as each request arrives, before its response is held. */
  onRequest?: (id: string) => void;
  close(): Promise<void>;
}

/** A webhook receiver that answers 200 after holdMs(path). */
async function startReceiver(holdMs: (path: string) => number): Promise<Receiver> {
  const seen = new Map<string, number>();
  const paths: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const id = String(req.headers['webhook-id'] ?? '');
    seen.set(id, (seen.get(id) ?? 0) + 1);
    paths.push(req.url ?? '');
    rx.onRequest?.(id);
    req.resume();
    const t = setTimeout(() => {
      timers.delete(t);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }, holdMs(req.url ?? ''));
    timers.add(t);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const rx: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    byPath: (prefix) => paths.filter((p) => p.startsWith(prefix)).length,
    total: () => [...seen.values()].reduce((a, b) => a + b, 0),
    duplicates: () => rx.total() - seen.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return rx;
}

type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;
const queryOn =
  (url: string): Query =>
  (sql, params) =>
    withClient(url, (c) => c.query(sql, params));

/** n heartbeat rows for channel, due now (the shape vigil._notify writes); with notify, the NOTIFY it sends too. */
async function enqueue(q: Query, channel: string, n: number, prefix: string, notify = true): Promise<void> {
  await q(
    `with rows as (
       insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
       select now(), $1::text, 'heartbeat', $2::text || ':' || g,
              jsonb_build_object('version', 1, 'kind', 'heartbeat', 'channel', $1::text, 'summary', 'test ' || g, 'alerts', '[]'::jsonb), now()
         from generate_series(1, $3::int) g
       returning id)
     select count(*), case when $4::boolean then pg_notify('vigil_outbox', $1::text) end from rows`,
    [channel, prefix, n, notify],
  );
}

async function statusCounts(q: Query, prefix = ''): Promise<Record<string, number>> {
  const r = await q<{ status: string; n: number }>(
    `select status, count(*)::int as n from vigil.outbox where idempotency_key like $1 || '%' group by status`,
    [prefix],
  );
  return Object.fromEntries(r.rows.map((row) => [row.status, row.n]));
}

/** Every row delivered, and the receiver saw each of them: as many distinct webhook-ids as rows. */
async function expectAllDelivered(q: Query, rx: Receiver, rows: number): Promise<void> {
  expect(await statusCounts(q), 'outbox rows by status').toEqual({ delivered: rows });
  expect(rx.seen.size, 'distinct webhook-ids received').toBe(rows);
  const keys = await q<{ idempotency_key: string }>('select idempotency_key from vigil.outbox');
  expect(new Set(rx.seen.keys())).toEqual(new Set(keys.rows.map((k) => k.idempotency_key)));
}

/** A logger that keeps its JSON lines in memory (shown when a test fails). */
function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } }) };
}

interface Child {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `pgvigil worker ...` as a child process, from source. */
function spawnWorker(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(CLI_COMMAND[0], [...CLI_COMMAND[1], 'worker', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => stderr, exited };
}

async function killChild(c: Child | undefined): Promise<void> {
  if (!c || c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.child.kill('SIGKILL');
  await c.exited;
}

/** The worker's connections to this database (pool and LISTEN), by application_name. */
const workerBackends = async (q: Query, db: string, only = '%') =>
  (
    await q<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = $1 and application_name like 'pgvigil worker%' and application_name like $2`,
      [db, only],
    )
  ).rows[0]!.n;

const counterValue = async (w: Worker, name: 'ticks', labels: Record<string, string>): Promise<number> => {
  const m = await w.metrics[name].get();
  return m.values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k as keyof typeof v.labels] === x)).reduce((a, v) => a + v.value, 0);
};

// --- crashes and restarts -------------------------------------------------------

describe('worker crashes', () => {
  test('SIGKILL mid-batch: the rows it held wait out their lease, then another worker delivers them; duplicates only among those', async () => {
    const db = await newDatabase();
    const q = queryOn(db.url);
    const rx = await startReceiver(() => 200);
    const N = 30;
    const KILL_AT = 10;
    let w1: Child | undefined;
    let w2: Worker | undefined;
    const log = memoryLogger();
    try {
      await q(`select vigil.add_channel('hook', 'webhook', $1, p_allow_private => true)`, [`${rx.url}/hook`]);
      await enqueue(q, 'hook', N, 'kill');
      w1 = spawnWorker(['--database-url', db.url, '--no-tick', '--name', 'w1', '--lease', '3', '--concurrency', '4', '--batch-size', '4']);
      const victim = w1;
      // Killed the moment the receiver holds its KILL_AT-th notification:
      // that one at least is sent and unsettled.
      rx.onRequest = () => {
        if (rx.seen.size >= KILL_AT) victim.child.kill('SIGKILL');
      };
      const { signal } = await Promise.race([
        w1.exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`w1 was never killed; stderr:\n${victim.stderr()}`)), 45_000)),
      ]);
      expect(signal).toBe('SIGKILL');
      rx.onRequest = undefined;
      // Its backends end once PostgreSQL notices; until then a settle it
      // sent may still commit.
      await waitFor("w1's backends to end", async () => (await workerBackends(q, db.name)) === 0);

      const held = (
        await q<{ idempotency_key: string; attempts: number }>(
          `select idempotency_key, attempts from vigil.outbox where status = 'delivering' and lease_owner = 'w1' order by id`,
        )
      ).rows;
      const atKill = await statusCounts(q);
      console.log(`SIGKILL: receiver saw ${rx.seen.size} of ${N}; outbox ${JSON.stringify(atKill)}; w1 held ${held.length}`);
      expect(held.length, 'rows left delivering with lease_owner w1').toBeGreaterThan(0);
      expect(atKill.pending ?? 0, 'rows w1 never claimed').toBeGreaterThan(0);

      w2 = await startWorker({ databaseUrl: db.url, name: 'w2', tick: false, pollMs: 200, logger: log.logger });
      await waitFor('every row delivered by w2', async () => (await statusCounts(q)).delivered === N);
      await expectAllDelivered(q, rx, N);

      // w1's rows were claimed once more, by w2, once their lease had expired.
      const after = await q<{ idempotency_key: string; attempts: number; owner: string | null }>(
        `select idempotency_key, attempts, lease_owner as owner from vigil.outbox where idempotency_key = any($1::text[])`,
        [held.map((h) => h.idempotency_key)],
      );
      const attemptsAfter = new Map(after.rows.map((r) => [r.idempotency_key, r.attempts]));
      for (const h of held) expect(attemptsAfter.get(h.idempotency_key), h.idempotency_key).toBe(h.attempts + 1);

      // Only a row w1 had sent and not settled can arrive twice.
      const dups = rx.duplicates();
      const dupIds = [...rx.seen].filter(([, n]) => n > 1).map(([id]) => id);
      console.log(`SIGKILL: ${dups} duplicate(s) of ${N} rows (bound: ${held.length} rows held by w1): ${dupIds.join(', ') || 'none'}`);
      expect(dups).toBeLessThanOrEqual(held.length);
      for (const id of dupIds) {
        expect(held.map((h) => h.idempotency_key)).toContain(id);
        expect(rx.seen.get(id)).toBe(2);
      }
    } catch (e) {
      console.log(`w1 stderr:\n${w1?.stderr()}\nw2 log:\n${log.lines.join('')}`);
      throw e;
    } finally {
      await killChild(w1);
      await w2?.stop();
      await rx.close();
    }
  }, 60_000);

  describe.runIf(localBinariesAvailable())('PostgreSQL restarts', () => {
    test('the worker reconnects (pool and LISTEN) and delivers everything', async () => {
      let server: TestServer | undefined;
      let worker: Worker | undefined;
      // Quick answers: the worker claims and settles all the time, so the
      // restart cuts queries in flight, not only idle connections.
      const rx = await startReceiver(() => 20);
      const log = memoryLogger();
      try {
        server = await startPrivateServer();
        await withClient(server.url, (c) => c.query('create database app'));
        const url = databaseUrl(server.url, 'app');
        await migrate({ databaseUrl: url, log: () => {} });
        const q = queryOn(url);
        await q(`select vigil.add_channel('hook', 'webhook', $1, p_allow_private => true)`, [`${rx.url}/hook`]);

        const BEFORE = 150;
        const AFTER = 10;
        const CONCURRENCY = 4;
        // A minute between polls: after the restart, only a NOTIFY (on a
        // LISTEN connection made anew) can wake the idle worker in time.
        worker = await startWorker({
          databaseUrl: url,
          name: 'w-restart',
          tick: false,
          pollMs: 60_000,
          leaseMs: 10_000,
          concurrency: CONCURRENCY,
          batchSize: CONCURRENCY,
          logger: log.logger,
        });
        await enqueue(q, 'hook', BEFORE, 'before');
        await waitFor('some deliveries before the restart', () => rx.seen.size >= 20);
        const seenAtRestart = rx.seen.size;
        expect(seenAtRestart, 'still delivering when the restart begins').toBeLessThan(BEFORE);
        const restarted = Date.now();
        await server.restart!();
        const restartMs = Date.now() - restarted;
        console.log(`restart: receiver had seen ${seenAtRestart} of ${BEFORE}; pg_ctl restart took ${restartMs} ms`);

        await waitFor(
          'the LISTEN connection to be back',
          async () =>
            (
              await q<{ n: number }>(
                `select count(*)::int as n from pg_stat_activity where application_name = 'pgvigil worker (listen)' and query ilike 'listen%'`,
              )
            ).rows[0]!.n === 1,
        );
        // The rows from before the restart: delivered, or (a claim whose
        // answer was lost, a settle that failed past the lease) leased to
        // the worker with the lease expired, waiting for the next claim.
        await waitFor('the worker to finish what it can before the restart rows', async () => {
          const r = await q<{ n: number }>(
            `select count(*)::int as n from vigil.outbox where status = 'pending' or (status = 'delivering' and lease_expires_at > now())`,
          );
          return r.rows[0]!.n === 0;
        });
        const stuck = (await statusCounts(q)).delivering ?? 0;
        // The restart did reach the worker: its LISTEN connection was cut.
        expect(log.lines.some((l) => l.includes('LISTEN connection lost'))).toBe(true);

        // Now idle, waiting for a poll a minute away: a NOTIFY must wake it.
        const notified = Date.now();
        await enqueue(q, 'hook', AFTER, 'after', true);
        await waitFor('the rows enqueued after the restart', async () => (await statusCounts(q)).delivered === BEFORE + AFTER, 20_000);
        const tookMs = Date.now() - notified;
        console.log(`restart: rows enqueued after it delivered ${tookMs} ms after the NOTIFY (poll every 60 s); ${stuck} row(s) waited for a new claim`);
        expect(tookMs).toBeLessThan(20_000);

        await expectAllDelivered(q, rx, BEFORE + AFTER);
        // A duplicate needs a row sent but not settled across the restart:
        // at most the CONCURRENCY rows in flight when it began.
        const dups = rx.duplicates();
        console.log(`restart: ${dups} duplicate(s) of ${BEFORE + AFTER} rows (bound: ${CONCURRENCY} in flight)`);
        const warnings: Record<string, number> = {};
        for (const e of log.lines.map((l) => JSON.parse(l) as { level: number; msg: string })) if (e.level >= 40) warnings[e.msg] = (warnings[e.msg] ?? 0) + 1;
        console.log(`restart: worker warnings ${JSON.stringify(warnings)}`);
        // A settle cut by the restart is retried until it lands (the lease,
        // 10 s, outlasts a quick restart); a socket error (EPIPE) included.
        if (restartMs < 3_000) expect(log.lines.filter((l) => l.includes('could not settle'))).toEqual([]);
        expect(dups).toBeLessThanOrEqual(CONCURRENCY);
      } catch (e) {
        console.log(`worker log:\n${log.lines.join('')}`);
        throw e;
      } finally {
        await worker?.stop();
        await rx.close();
        await server?.stop();
      }
    }, 90_000);
  });
});

// --- graceful shutdown ------------------------------------------------------------

describe('worker shutdown', () => {
  test('SIGTERM with rows in flight: exits 0 in time, settles what it sent, releases what it had not sent, logs no secret', async () => {
    const db = await newDatabase();
    const q = queryOn(db.url);
    // /slow holds each answer 1.5 s: those rows are in flight at SIGTERM.
    const rx = await startReceiver((path) => (path.startsWith('/slow') ? 1_500 : 0));
    const secrets = {
      SLOW_URL: `${rx.url}/slow/tok-${randomBytes(8).toString('hex')}`,
      PACED_URL: `${rx.url}/paced/tok-${randomBytes(8).toString('hex')}`,
      HOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    };
    const dbPassword = `pw-${randomBytes(8).toString('hex')}`;
    const u = new URL(db.url);
    u.password = dbPassword; // trust authentication ignores it; the logs must not show it
    const SHUTDOWN_S = 8;
    let child: Child | undefined;
    let next: Worker | undefined;
    const log = memoryLogger();
    try {
      await q(`select vigil.add_channel('slow', 'webhook', 'env:SLOW_URL', p_secret_ref => 'env:HOOK_SECRET', p_allow_private => true)`);
      // 12 a minute, burst 1: of 4 rows claimed together, one goes at once
      // and the others wait 5, 10 and 15 s for their turn, claimed but unsent.
      await q(`select vigil.add_channel('paced', 'webhook', 'env:PACED_URL', p_rate_limit_per_minute => 12, p_allow_private => true)`);
      await enqueue(q, 'slow', 3, 'slow');
      await enqueue(q, 'paced', 4, 'paced');

      child = spawnWorker(['--database-url', u.toString(), '--no-tick', '--name', 'w-term', '--shutdown-timeout', String(SHUTDOWN_S)], {
        ...secrets,
        PGVIGIL_LOG_LEVEL: 'debug',
      });
      const running = child;
      await waitFor('3 slow requests in flight and the first paced one sent', () => rx.byPath('/slow') === 3 && rx.byPath('/paced') === 1, 45_000);
      const claimed = await q<{ n: number }>(`select count(*)::int as n from vigil.outbox where status = 'delivering' and lease_owner = 'w-term'`);
      expect(claimed.rows[0]!.n, 'rows leased to w-term at SIGTERM').toBeGreaterThanOrEqual(6);

      const termAt = Date.now();
      running.child.kill('SIGTERM');
      const exit = await Promise.race([
        running.exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit after SIGTERM')), (SHUTDOWN_S + 20) * 1000)),
      ]);
      const tookMs = Date.now() - termAt;
      console.log(`SIGTERM: exit ${exit.code} after ${tookMs} ms (shutdown timeout ${SHUTDOWN_S} s)`);
      expect(exit, running.stderr()).toEqual({ code: 0, signal: null });
      expect(tookMs).toBeLessThan(SHUTDOWN_S * 1000);

      // What it had sent is settled; what it had not is pending again, its
      // claim-time attempt given back.
      const rows = await q<{ key: string; status: string; attempts: number; lease_owner: string | null }>(
        `select idempotency_key as key, status, attempts, lease_owner from vigil.outbox order by id`,
      );
      expect(rows.rows.filter((r) => r.status === 'delivering')).toEqual([]);
      expect(rows.rows.filter((r) => r.key.startsWith('slow')).map((r) => [r.status, r.attempts])).toEqual([
        ['delivered', 1],
        ['delivered', 1],
        ['delivered', 1],
      ]);
      expect(rows.rows.filter((r) => r.key.startsWith('paced')).map((r) => [r.status, r.attempts, r.lease_owner])).toEqual([
        ['delivered', 1, null],
        ['pending', 0, null],
        ['pending', 0, null],
        ['pending', 0, null],
      ]);
      expect(rx.byPath('/paced'), 'paced rows sent by w-term').toBe(1);

      // The logs: JSON, telling what happened, and no secret in them.
      const stderr = running.stderr();
      const lines = stderr.split('\n').filter(Boolean);
      const entries = lines.map((l) => JSON.parse(l) as { msg: string; released?: number });
      expect(entries.find((e) => e.msg === 'released leases of unsent notifications')?.released).toBe(3);
      expect(entries.map((e) => e.msg)).toContain('worker stopped');
      for (const secret of [...Object.values(secrets), secrets.SLOW_URL.split('/').pop()!, secrets.PACED_URL.split('/').pop()!, dbPassword]) {
        expect(stderr, 'a secret in the logs').not.toContain(secret);
      }

      // Another worker delivers the released rows (paced, 5 s apart).
      next = await startWorker({ databaseUrl: db.url, name: 'w-next', tick: false, pollMs: 200, env: secrets, logger: log.logger });
      await waitFor('the released rows delivered', async () => (await statusCounts(q)).delivered === 7, 30_000);
      await expectAllDelivered(q, rx, 7);
      console.log(`SIGTERM: ${rx.duplicates()} duplicate(s) of 7 rows`);
      expect(rx.duplicates()).toBe(0); // nothing released had been sent
    } catch (e) {
      console.log(`w-term stderr:\n${child?.stderr()}\nw-next log:\n${log.lines.join('')}`);
      throw e;
    } finally {
      await killChild(child);
      await next?.stop();
      await rx.close();
    }
  }, 60_000);
});

// --- the scheduler fallback -------------------------------------------------------------

describe('worker scheduler', () => {
  test('tick: true runs vigil.tick on its interval and calls onTick', async () => {
    const db = await newDatabase();
    const q = queryOn(db.url);
    const before = (await q<{ last_tick_at: Date | null }>('select last_tick_at from vigil.tick_state')).rows[0]!;
    expect(before.last_tick_at).toBeNull();
    const ticks: TickResult[] = [];
    let worker: Worker | undefined;
    try {
      worker = await startWorker({ databaseUrl: db.url, tick: true, tickEveryMs: 200, onTick: (r) => void ticks.push(r), logger: memoryLogger().logger });
      expect(worker.ticking).toBe(true);
      await waitFor('3 ticks', () => ticks.length >= 3);
      const state = (await q<{ last_tick_at: Date | null; prev_tick_at: Date | null }>('select last_tick_at, prev_tick_at from vigil.tick_state')).rows[0]!;
      expect(state.last_tick_at).not.toBeNull();
      expect(state.prev_tick_at).not.toBeNull();
      expect(ticks[0]!.skipped).toBe(false);
      expect(ticks[0]!.summary).toMatchObject({ skipped: false });
      expect(await counterValue(worker, 'ticks', { result: 'error' })).toBe(0);
      // Without pg_cron the worker also does what vigil_rotate and
      // vigil_housekeeping would: once after its first tick, then hourly and daily.
      const upkeep = (
        await q<{ unrotated: number; housekept: boolean }>(
          `select (select count(*)::int from vigil.partition_sets where last_rotated_at is null) as unrotated,
                  (select last_run_at is not null from vigil.housekeeping) as housekept`,
        )
      ).rows[0]!;
      expect(upkeep).toEqual({ unrotated: 0, housekept: true });
    } finally {
      await worker?.stop();
    }
  });

  test('two workers with tick: true share the tick lock: neither ticks while it is held, both tick once it is free', async () => {
    const db = await newDatabase();
    const q = queryOn(db.url);
    const counts = { a: 0, b: 0 };
    const workers: Worker[] = [];
    const lockHolder = new pg.Client({ connectionString: db.url });
    try {
      for (const k of ['a', 'b'] as const) {
        workers.push(await startWorker({ databaseUrl: db.url, name: `tick-${k}`, tick: true, tickEveryMs: 100, onTick: () => void counts[k]++, logger: memoryLogger().logger }));
      }
      const [a, b] = workers as [Worker, Worker];
      await waitFor('both workers to tick', () => counts.a >= 2 && counts.b >= 2);

      // Hold the lock vigil.tick's driver takes: every tick of both must skip.
      await lockHolder.connect();
      await lockHolder.query('select pg_advisory_lock($1::bigint)', [TICK_LOCK_KEY]);
      const held = { ...counts };
      const lastTick = (await q<{ t: Date }>('select last_tick_at as t from vigil.tick_state')).rows[0]!.t;
      const skippedBefore = [await counterValue(a, 'ticks', { result: 'skipped' }), await counterValue(b, 'ticks', { result: 'skipped' })];
      await waitFor(
        'both workers to skip 3 ticks',
        async () =>
          (await counterValue(a, 'ticks', { result: 'skipped' })) >= skippedBefore[0]! + 3 &&
          (await counterValue(b, 'ticks', { result: 'skipped' })) >= skippedBefore[1]! + 3,
      );
      expect(counts).toEqual(held);
      expect((await q<{ t: Date }>('select last_tick_at as t from vigil.tick_state')).rows[0]!.t).toEqual(lastTick);

      await lockHolder.query('select pg_advisory_unlock($1::bigint)', [TICK_LOCK_KEY]);
      await waitFor('both workers to tick again', () => counts.a >= held.a + 2 && counts.b >= held.b + 2);
      for (const w of workers) expect(await counterValue(w, 'ticks', { result: 'error' })).toBe(0);
      console.log(
        `scheduler: ticks a=${counts.a} b=${counts.b}; skipped a=${await counterValue(a, 'ticks', { result: 'skipped' })} b=${await counterValue(b, 'ticks', { result: 'skipped' })}`,
      );
    } finally {
      await lockHolder.end().catch(() => {});
      for (const w of workers) await w.stop();
    }
  });

  test("tick: 'auto' ticks where pg_cron is not installed (pg_cron never ticked)", async () => {
    const db = await newDatabase();
    const cron = await db.query<{ n: number }>(`select count(*)::int as n from pg_extension where extname = 'pg_cron'`);
    expect(cron.rows[0]!.n).toBe(0);
    let ticked = 0;
    let worker: Worker | undefined;
    const log = memoryLogger();
    try {
      worker = await startWorker({ databaseUrl: db.url, tick: 'auto', tickEveryMs: 200, onTick: () => void ticked++, logger: log.logger });
      expect(worker.ticking).toBe(true);
      await waitFor('a tick', () => ticked >= 1);
      expect(log.lines.filter((l) => l.includes('the worker ticks')).map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
        'pg_cron has never run vigil.tick() in this database; the worker ticks',
      ]);
    } finally {
      await worker?.stop();
    }
  });

  // These clusters run no pg_cron job here: what vigil.tick() records when
  // pg_cron runs it (tests/cron.test.ts checks that with a real one) is
  // written by hand, relative to now(), as the worker judges at now().
  test("tick: 'auto' stands by while pg_cron ticks, takes over when its ticks go stale, hands back when they resume", async () => {
    const db = await newDatabase();
    const q = queryOn(db.url);
    const cronTickedAgo = (seconds: number) => q(`update vigil.tick_state set last_cron_tick_at = now() - $1::int * interval '1 second'`, [seconds]);
    const standby = (w: Worker) => counterValue(w, 'ticks', { result: 'standby' });
    const lastTick = async () => (await q<{ t: Date | null }>('select last_tick_at as t from vigil.tick_state')).rows[0]!.t;
    const messages = (lines: string[]) => lines.map((l) => (JSON.parse(l) as { msg: string }).msg).filter((m) => m.startsWith('pg_cron '));
    let ticked = 0;
    let worker: Worker | undefined;
    const log = memoryLogger();
    try {
      await cronTickedAgo(5);
      worker = await startWorker({ databaseUrl: db.url, tick: 'auto', tickEveryMs: 100, onTick: () => void ticked++, logger: log.logger });
      const w = worker;
      expect(w.ticking).toBe(false);
      await waitFor('3 beats standing by', async () => (await standby(w)) >= 3);
      expect(ticked).toBe(0);
      expect(await lastTick()).toBeNull();

      // pg_cron stops: its last tick is over 150 s old.
      await cronTickedAgo(151);
      await waitFor('the worker to take over and tick', () => ticked >= 2);
      expect(w.ticking).toBe(true);
      expect(await lastTick()).not.toBeNull();
      // Its own ticks are not pg_cron's: it keeps ticking.
      const last = (await q<{ t: Date }>('select last_cron_tick_at as t from vigil.tick_state')).rows[0]!.t;
      await waitFor('2 more ticks', () => ticked >= 4);
      expect((await q<{ t: Date }>('select last_cron_tick_at as t from vigil.tick_state')).rows[0]!.t).toEqual(last);

      // pg_cron ticks again: the worker hands back.
      await cronTickedAgo(0);
      await waitFor('the worker to stand by', () => !w.ticking);
      const ticks = ticked;
      const beats = await standby(w);
      await waitFor('3 more beats standing by', async () => (await standby(w)) >= beats + 3);
      expect(ticked).toBe(ticks);
      expect(await counterValue(w, 'ticks', { result: 'error' })).toBe(0);

      // One line each time it changed its mind, none on the beats between.
      const msgs = messages(log.lines);
      expect(msgs).toHaveLength(3);
      expect(msgs[0]).toMatch(/^pg_cron runs vigil\.tick\(\) \(last at \d{4}-\d\d-\d\dT[\d:.]+Z\); the worker stands by$/);
      expect(msgs[1]).toBe(`pg_cron has not run vigil.tick() since ${last.toISOString()}; the worker ticks`);
      expect(msgs[2]).toMatch(/; the worker stands by$/);
    } catch (e) {
      console.log(`worker log:\n${log.lines.join('')}`);
      throw e;
    } finally {
      await worker?.stop();
    }
  });

  test("tick: 'auto' against a pgvigil older than the worker: the start fails, saying to migrate", async () => {
    const db = await newDatabase();
    await db.query('drop function vigil._worker_should_tick(timestamptz)');
    await expect(startWorker({ databaseUrl: db.url, tick: 'auto', logger: memoryLogger().logger })).rejects.toThrow(
      /pgvigil is older than this worker .*_worker_should_tick.*: run pgvigil migrate, or start the worker with --no-tick/,
    );
  });

  test('tick: true ticks even while pg_cron ticks; tick: false neither ticks nor stands by', async () => {
    const db = await newDatabase();
    await db.query(`update vigil.tick_state set last_cron_tick_at = now()`);
    let ticked = 0;
    const workers: Worker[] = [];
    try {
      const never = await startWorker({ databaseUrl: db.url, tick: false, tickEveryMs: 100, logger: memoryLogger().logger });
      workers.push(never);
      const always = await startWorker({ databaseUrl: db.url, tick: true, tickEveryMs: 100, onTick: () => void ticked++, logger: memoryLogger().logger });
      workers.push(always);
      expect([never.ticking, always.ticking]).toEqual([false, true]);
      await waitFor('2 ticks', () => ticked >= 2);
      expect(await counterValue(always, 'ticks', { result: 'standby' })).toBe(0);
      expect((await never.metrics.ticks.get()).values).toEqual([]);
    } finally {
      for (const w of workers) await w.stop();
    }
  });
});

// --- the command line -----------------------------------------------------------------------

describe('pgvigil worker (command line)', () => {
  test('--help lists the flags', async () => {
    const run = await runCli(['worker', '--help']);
    expect(run.code, run.stderr).toBe(0);
    for (const flag of [
      '--database-url',
      '--name',
      '--port',
      '--allow-private',
      '--tick',
      '--no-tick',
      '--tick-every',
      '--batch-size',
      '--concurrency',
      '--lease',
      '--shutdown-timeout',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });

  test.each([
    [['--batch-size', 'x'], /--batch-size "x" is not a whole number/],
    // 0 would make every claim fail (batch size 0), and 0 in flight would never claim at all.
    [['--batch-size', '0'], /--batch-size "0" is not a whole number from 1 to 1000/],
    [['--batch-size', '1001'], /--batch-size "1001" is not a whole number from 1 to 1000/],
    [['--concurrency', '0'], /--concurrency "0" is not a whole number of at least 1/],
    [['--concurrency', '-1'], /--concurrency "-1" is not a whole number/],
    [['--lease', '1.5'], /--lease "1.5" is not a whole number/],
  ])('a bad flag value %j exits non-zero with a clear message', async (args, message) => {
    const run = await runCli(['worker', '--database-url', 'postgresql://nobody@127.0.0.1:1/none', ...args], { timeoutMs: 30_000 });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });
});

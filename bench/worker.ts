// Benchmark: the outbox worker (issue 6), on one fresh migrated database.
//
//   npx tsx bench/worker.ts
//
//   BENCH_JOBS=N        notifications per throughput run (default 20,000)
//   BENCH_RUNS=N        runs per figure (default 3)
//   BENCH_SAMPLES=N     latency samples (default 1,000)
//   BENCH_PARTS=a,b,c   which parts to run (default all three)
//   BENCH_CONFIGS=json  worker settings to try in (a), e.g. '[{},{"batchSize":100,"concurrency":200}]'
//   BENCH_RECEIVERS=child,in-process  where the receiver of (a) runs (default both)
//   BENCH_PGSS=1        pg_stat_statements (track = all): print the costliest statements of each part
//
// It prints figures; it is not a test.
//   (a) throughput: N rows in vigil.outbox, one worker (startWorker, tick
//       off, logs at warn) delivering them to a keep-alive node:http receiver
//       on loopback, once in a child process and once in this process; timed
//       from startWorker until every row is delivered in SQL (the receiver
//       counts distinct webhook-ids, then the outbox is polled until all N
//       are settled as delivered);
//   (b) latency: one row at a time, inserted with pg_notify('vigil_outbox',
//       channel) in the same statement, as vigil._notify does; timed from the
//       insert until the (in-process) receiver has the request;
//   (c) the queue alone, against graphile-worker on the same database: N
//       no-op jobs, concurrency 10, run alternately. pgvigil is a minimal
//       loop of vigil.claim_deliveries / vigil.settle_deliveries (the calls
//       of src/vigil.ts) with no HTTP: 10 loops, each claiming a batch and
//       settling it in one call; graphile-worker is run() with a no-op task.
// The machine is shared, so beside each time it prints the CPU spent per
// delivery or job (from /proc: this process, the child receiver, and the
// whole cluster: postmaster, backends and background processes), which
// depends little on what else runs, and the rate two idle cores would allow.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { WorkerEvents } from 'graphile-worker';
import { createLogger } from '../src/log.js';
import { migrate } from '../src/migrate.js';
import { VigilSql } from '../src/vigil.js';
import { startWorker, type WorkerOptions } from '../src/worker.js';
import { databaseUrl, startPrivateServer } from '../scripts/test-cluster.js';

// graphile-worker reads NO_LOG_SUCCESS when it loads: without it every job
// formats a "Completed task" line for the (silent) logger.
process.env.NO_LOG_SUCCESS = '1';
const graphile = await import('graphile-worker');

const N = Number(process.env.BENCH_JOBS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1_000);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'a,b,c').split(','));
const PGSS = process.env.BENCH_PGSS === '1';
const RECEIVERS = new Set((process.env.BENCH_RECEIVERS ?? 'child,in-process').split(','));
type Config = Pick<WorkerOptions, 'batchSize' | 'concurrency' | 'poolSize'>;
const CONFIGS: Config[] = process.env.BENCH_CONFIGS
  ? (JSON.parse(process.env.BENCH_CONFIGS) as Config[])
  : [{}, { batchSize: 50, concurrency: 100 }, { batchSize: 100, concurrency: 200 }, { batchSize: 200, concurrency: 400, poolSize: 20 }];
const QUEUE_CONCURRENCY = 10;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (x: number) => Math.round(x).toLocaleString('en');
const describe = (c: Config) => `batchSize ${c.batchSize ?? 100}, concurrency ${c.concurrency ?? 200}, poolSize ${c.poolSize ?? 10}`;

// A typical notification: one firing alert (about 700 bytes of JSON).
const PAYLOAD = JSON.stringify({
  version: 1,
  kind: 'alerts',
  route: 'default',
  channel: 'bench',
  status: 'firing',
  groupKey: '{"check":"connections"}',
  groupLabels: { check: 'connections' },
  commonLabels: { check: 'connections', severity: 'warning', service: 'shop' },
  sentAt: '2026-03-10T12:00:00.000Z',
  alerts: [
    {
      alertId: 42,
      fingerprint: '0123456789abcdef',
      status: 'firing',
      severity: 'warning',
      check: 'connections',
      series: 'postgres',
      value: 87.5,
      labels: { check: 'connections', severity: 'warning', service: 'shop', database: 'postgres' },
      summary: 'warning: connections postgres = 87.5',
      detail: { used: 175, max: 200 },
      flapping: false,
      startsAt: '2026-03-10T11:58:00.000Z',
      endsAt: null,
      runbook: 'https://wiki.example.com/runbooks/connections',
    },
  ],
});

// --- receivers ------------------------------------------------------------------
// Each answers 200 "ok" on a keep-alive connection and counts distinct
// webhook-ids; awaitCount(n) resets the count and resolves once n arrived.
interface Receiver {
  url: string;
  /** Resets the count; once armed, gives the promise that resolves when n have arrived. */
  awaitCount(n: number): Promise<{ reached: Promise<void> }>;
  close(): Promise<void>;
}

interface InProcessReceiver extends Receiver {
  /** Called with the arrival time (hrtime, ms) of each complete request. */
  onArrival: ((at: number) => void) | null;
}

async function inProcessReceiver(): Promise<InProcessReceiver> {
  let seen = new Set<string>();
  let target = 0;
  let reached: (() => void) | null = null;
  const self: InProcessReceiver = {
    url: '',
    onArrival: null,
    awaitCount: async (n) => {
      seen = new Set();
      target = n;
      return { reached: new Promise<void>((resolve) => (reached = resolve)) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const id = String(req.headers['webhook-id']);
    req.resume();
    req.on('end', () => {
      const at = now();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      self.onArrival?.(at);
      seen.add(id);
      if (target > 0 && seen.size >= target) {
        target = 0;
        reached?.();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return self;
}

const CHILD_RECEIVER = `
const http = require('node:http');
let seen = new Set(), target = 0;
const server = http.createServer((req, res) => {
  const id = String(req.headers['webhook-id']);
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    seen.add(id);
    if (target > 0 && seen.size >= target) { target = 0; process.send({ reached: true }); }
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m.expect) { seen = new Set(); target = m.expect; process.send({ armed: true }); }
  if (m.exit) { server.closeAllConnections(); server.close(() => process.exit(0)); }
});`;

interface ChildReceiver extends Receiver {
  pid: number;
}

interface ChildMessage {
  port?: number;
  armed?: boolean;
  reached?: boolean;
}

async function childReceiver(): Promise<ChildReceiver> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD_RECEIVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the receiver exited (${code})`))));
  exited.catch(() => {});
  const next = (key: keyof ChildMessage) =>
    Promise.race([
      exited,
      new Promise<ChildMessage>((resolve) => {
        const on = (m: ChildMessage) => {
          if (m[key] === undefined) return;
          child.off('message', on);
          resolve(m);
        };
        child.on('message', on);
      }),
    ]);
  const { port } = await next('port');
  return {
    pid: child.pid!,
    url: `http://127.0.0.1:${port}/hook`,
    awaitCount: async (n) => {
      const armed = next('armed');
      child.send({ expect: n });
      await armed;
      return { reached: next('reached').then(() => undefined) };
    },
    close: async () => {
      child.send({ exit: true });
      await exited.catch(() => {});
    },
  };
}

// --- CPU accounting -------------------------------------------------------------
// CPU time (ms) from /proc: a process's own, plus that of its children it
// has waited for (the postmaster reaps every backend, so its cutime and
// cstime hold the backends that exited).
const TICK_MS = 10; // CLK_TCK = 100 on Linux
function procCpu(pid: number, withChildren = false): number {
  try {
    // Fields after the command (which is in parentheses and may hold spaces).
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    const own = Number(f[11]) + Number(f[12]); // utime, stime
    return (withChildren ? own + Number(f[13]) + Number(f[14]) : own) * TICK_MS;
  } catch {
    return 0; // gone
  }
}
/** The postmaster's CPU, that of its exited children and that of its live ones: the whole cluster. */
function clusterCpu(postmaster: number): number {
  let ms = procCpu(postmaster, true);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      if (Number(f[1]) === postmaster) ms += (Number(f[11]) + Number(f[12])) * TICK_MS;
    } catch {
      /* gone */
    }
  }
  return ms;
}
const nodeCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// --- the database ----------------------------------------------------------------
const server = await startPrivateServer(PGSS ? { 'pg_stat_statements.track': 'all' } : {});
try {
  const superuser = new pg.Client({ connectionString: server.url });
  await superuser.connect();
  await superuser.query('create database bench_worker');
  await superuser.end();
  const url = databaseUrl(server.url, 'bench_worker');
  await migrate({ databaseUrl: url });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const pgss = PGSS && server.preloaded.includes('pg_stat_statements');
  if (pgss) await admin.query('create extension if not exists pg_stat_statements');
  const statements = async (part: string) => {
    if (!pgss) return;
    const r = await admin.query<{ calls: string; total: number; mean: number; rows: string; query: string }>(
      `select calls, total_exec_time as total, mean_exec_time as mean, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as query
         from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
        order by total_exec_time desc limit 10`,
    );
    console.log(`\n  pg_stat_statements, part ${part} (total ms, calls, mean ms, rows):`);
    for (const s of r.rows) console.log(`    ${s.total.toFixed(0).padStart(7)} ${String(s.calls).padStart(7)} ${s.mean.toFixed(3).padStart(8)} ${String(s.rows).padStart(7)}  ${s.query}`);
    await admin.query('select pg_stat_statements_reset()');
  };
  if (pgss) await admin.query('select pg_stat_statements_reset()');
  const logger = createLogger({ level: 'warn' });
  const socketDir = new URL(server.url).searchParams.get('host');
  const postmaster = socketDir ? Number(readFileSync(join(socketDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) : 0;
  /** CPU ms spent since the call: this process, the child receiver, the cluster. */
  const cpuMeter = () => {
    const start = { node: nodeCpu(), child: procCpu(child.pid), pg: postmaster ? clusterCpu(postmaster) : NaN };
    return () => ({ node: nodeCpu() - start.node, child: procCpu(child.pid) - start.child, pg: postmaster ? clusterCpu(postmaster) - start.pg : NaN });
  };
  const uptime = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`load average at start: ${uptime()}`);

  const inProcess = await inProcessReceiver();
  const child = await childReceiver();
  // One channel per receiver; the SSRF guard lets them reach loopback.
  await admin.query(`select vigil.add_channel('bench-child', 'webhook', $1, p_allow_private => true)`, [child.url]);
  await admin.query(`select vigil.add_channel('bench-inproc', 'webhook', $1, p_allow_private => true)`, [inProcess.url]);

  let generation = 0;
  const fill = async (channel: string, n: number) => {
    await admin.query('truncate vigil.delivery_attempts, vigil.outbox');
    generation += 1;
    await admin.query(
      `insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
       select now(), $1, 'alerts', 'bench-' || $2::int || '-' || g, $3::jsonb, now() from generate_series(1, $4::int) g`,
      [channel, generation, PAYLOAD, n],
    );
    await admin.query('analyze vigil.outbox');
  };
  /** Polls the outbox until n rows are delivered; throws if any went dead or the deadline passes. */
  const untilDelivered = async (n: number, deadline: number) => {
    for (;;) {
      const r = await admin.query<{ delivered: number; dead: number }>(
        `select count(*) filter (where status = 'delivered')::int as delivered, count(*) filter (where status = 'dead')::int as dead from vigil.outbox`,
      );
      const { delivered, dead } = r.rows[0]!;
      if (dead > 0) throw new Error(`${dead} notifications went dead`);
      if (delivered >= n) return;
      if (now() > deadline) throw new Error(`only ${delivered} of ${n} delivered in time`);
      await sleep(5);
    }
  };
  const withDeadline = async <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  };

  const summary: string[] = [];

  // --- (a) throughput --------------------------------------------------------------
  const throughput = new Map<string, number[]>();
  const cpuPerRow = new Map<string, number[]>();
  if (PARTS.has('a')) {
    console.log(`\n(a) throughput: ${fmt(N)} notifications, one worker, ${RUNS} runs per setting`);
    const receivers = ([
      ['child', 'bench-child', child],
      ['in-process', 'bench-inproc', inProcess],
    ] as Array<[string, string, Receiver]>).filter(([where]) => RECEIVERS.has(where));
    for (let run = 1; run <= RUNS; run += 1) {
      for (const config of CONFIGS) {
        for (const [where, channel, receiver] of receivers) {
          await fill(channel, N);
          const { reached: arrived } = await receiver.awaitCount(N);
          const meter = cpuMeter();
          const t0 = now();
          const worker = await startWorker({ databaseUrl: url, tick: false, logger, ...config });
          let received = 0;
          let ms = 0;
          let cpu: ReturnType<ReturnType<typeof cpuMeter>>;
          try {
            await withDeadline(arrived, 300_000, 'receiver');
            received = now() - t0;
            await untilDelivered(N, now() + 60_000);
            ms = now() - t0;
            cpu = meter();
          } finally {
            await worker.stop();
          }
          const attempts = await admin.query<{ n: number }>(`select count(*)::int as n from vigil.delivery_attempts where outcome = 'delivered'`);
          if (attempts.rows[0]!.n !== N) throw new Error(`${attempts.rows[0]!.n} delivered attempts recorded, not ${N}`);
          const key = `${describe(config)} | ${where}`;
          throughput.set(key, [...(throughput.get(key) ?? []), (N / ms) * 1000]);
          const perRow = (x: number) => ((x / N) * 1000).toFixed(0);
          const cpuNote = `CPU per delivery: this process ${perRow(cpu.node)} µs${where === 'child' ? `, receiver ${perRow(cpu.child)} µs` : ''}, postgres ${perRow(cpu.pg)} µs`;
          cpuPerRow.set(key, [...(cpuPerRow.get(key) ?? []), ((cpu.node + cpu.child + cpu.pg) / N) * 1000]);
          console.log(`  run ${run}, ${key}: ${fmt((N / ms) * 1000)}/s (received all after ${fmt(received)} ms, all settled after ${fmt(ms)} ms; ${cpuNote})`);
        }
      }
    }
    await statements('a');
    console.log('  medians:');
    for (const [key, xs] of throughput) {
      const cpuUs = median(cpuPerRow.get(key)!);
      console.log(`    ${key}: ${fmt(median(xs))}/s; CPU ${cpuUs.toFixed(0)} µs per delivery in all (at most ${fmt(2e6 / cpuUs)}/s on 2 idle cores)`);
    }
  }

  // --- (b) latency -------------------------------------------------------------------
  if (PARTS.has('b')) {
    console.log(`\n(b) latency: ${fmt(SAMPLES)} sequential notifications (default worker settings, in-process receiver)`);
    await admin.query('truncate vigil.delivery_attempts, vigil.outbox');
    const worker = await startWorker({ databaseUrl: url, tick: false, logger });
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    const total: number[] = [];
    const afterCommit: number[] = [];
    const warmup = 20;
    try {
      for (let i = 0; i < warmup + SAMPLES; i += 1) {
        const arrival = new Promise<number>((resolve) => (inProcess.onArrival = resolve));
        const t0 = now();
        await writer.query(
          `with o as (
             insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
             values (now(), 'bench-inproc', 'alerts', 'latency-' || $1::text, $2::jsonb, now()) returning channel)
           select pg_notify('vigil_outbox', o.channel) from o`,
          [String(i), PAYLOAD],
        );
        const t1 = now();
        const at = await withDeadline(arrival, 10_000, `latency sample ${i}`);
        if (i >= warmup) {
          total.push(at - t0);
          afterCommit.push(at - t1);
        }
      }
      inProcess.onArrival = null;
      await untilDelivered(warmup + SAMPLES, now() + 10_000);
    } finally {
      await writer.end();
      await worker.stop();
    }
    const p50 = percentile(total, 0.5);
    const p99 = percentile(total, 0.99);
    console.log(`  insert to receipt: p50 ${p50.toFixed(2)} ms, p90 ${percentile(total, 0.9).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${Math.max(...total).toFixed(2)} ms`);
    console.log(`  commit to receipt: p50 ${percentile(afterCommit, 0.5).toFixed(2)} ms, p99 ${percentile(afterCommit, 0.99).toFixed(2)} ms`);
    summary.push(`latency, insert to receipt (${fmt(SAMPLES)} samples) | p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms | p99 <= 25 ms: ${p99 <= 25 ? 'met' : 'NOT met'}`);
    await statements('b');
  }

  // --- (c) the queue alone, against graphile-worker -------------------------------
  if (PARTS.has('c')) {
    console.log(`\n(c) the queue alone: ${fmt(N)} no-op jobs, concurrency ${QUEUE_CONCURRENCY}, ${RUNS} rounds run alternately`);
    const quiet = new graphile.Logger(() => () => {});
    await graphile.runMigrations({ connectionString: url, logger: quiet });

    // pgvigil: loops claiming `batch` rows and settling them in one call.
    type Timed = { ms: number; cpu: ReturnType<ReturnType<typeof cpuMeter>> };
    const vigilQueue = async (batch: number): Promise<Timed> => {
      await fill('bench-child', N);
      const meter = cpuMeter();
      const t0 = now();
      const pool = new pg.Pool({ connectionString: url, max: QUEUE_CONCURRENCY });
      const sql = new VigilSql(pool);
      let done = 0;
      const loop = async (i: number) => {
        const name = `bench-queue-${i}`;
        while (done < N) {
          const rows = await sql.claimDeliveries(name, batch, 60_000);
          if (rows.length === 0) {
            await sleep(1);
            continue;
          }
          const settled = await sql.settleDeliveries(name, rows.map((r) => ({ id: r.id, s: { outcome: 'delivered' as const, httpStatus: 200, latencyMs: 0 } })));
          done += settled.filter((s) => s.status === 'delivered').length;
        }
      };
      await Promise.all(Array.from({ length: QUEUE_CONCURRENCY }, (_, i) => loop(i)));
      const ms = now() - t0;
      const cpu = meter();
      await pool.end();
      await untilDelivered(N, now() + 1_000);
      return { ms, cpu };
    };

    // graphile-worker: run() with a no-op task until the jobs table is empty.
    const graphileQueue = async (preset?: GraphileConfig.WorkerOptions): Promise<Timed> => {
      const utils = await graphile.makeWorkerUtils({ connectionString: url, logger: quiet });
      await utils.addJobs(Array.from({ length: N }, () => ({ identifier: 'noop', payload: {} })));
      await utils.release();
      await admin.query('analyze graphile_worker._private_jobs');
      const events = new EventEmitter() as WorkerEvents;
      let completed = 0;
      const allRun = new Promise<void>((resolve) =>
        events.on('job:complete', () => {
          completed += 1;
          if (completed === N) resolve();
        }),
      );
      const meter = cpuMeter();
      const t0 = now();
      const runner = await graphile.run({
        connectionString: url,
        concurrency: QUEUE_CONCURRENCY,
        noHandleSignals: true,
        pollInterval: 1000,
        taskList: { noop: async () => {} },
        logger: quiet,
        events,
        ...(preset ? { preset: { worker: preset } } : {}),
      });
      let timed: Timed;
      try {
        await withDeadline(allRun, 300_000, 'graphile-worker');
        // job:complete is emitted before completeJob is written: wait for the table.
        for (;;) {
          const r = await admin.query<{ n: number }>('select count(*)::int as n from graphile_worker._private_jobs');
          if (r.rows[0]!.n === 0) break;
          await sleep(2);
        }
        timed = { ms: now() - t0, cpu: meter() };
      } finally {
        await runner.stop();
      }
      return timed;
    };

    const variants: Array<[string, () => Promise<Timed>]> = [
      ['graphile-worker, defaults (one job per get_job and complete_job)', () => graphileQueue()],
      ['pgvigil, claim 25 / settle 25 per call', () => vigilQueue(25)],
      ['graphile-worker, localQueue 250 + completeJobBatchDelay 0', () => graphileQueue({ localQueue: { size: 250 }, completeJobBatchDelay: 0 })],
      ['pgvigil, claim 1 / settle 1 per call', () => vigilQueue(1)],
    ];
    const queue = new Map<string, number[]>();
    for (let round = 1; round <= RUNS; round += 1) {
      for (const [name, go] of variants) {
        const { ms, cpu } = await go();
        queue.set(name, [...(queue.get(name) ?? []), (N / ms) * 1000]);
        console.log(`  round ${round}, ${name}: ${fmt((N / ms) * 1000)} jobs/s (${fmt(ms)} ms; CPU per job: this process ${((cpu.node / N) * 1000).toFixed(0)} µs, postgres ${((cpu.pg / N) * 1000).toFixed(0)} µs)`);
      }
    }
    await statements('c');
    const m = (i: number) => median(queue.get(variants[i]![0])!);
    console.log('  medians:');
    for (const [name, xs] of queue) console.log(`    ${name}: ${fmt(median(xs))} jobs/s`);
    const ratio = m(1) / m(0);
    summary.push(`queue, pgvigil batched (25) / graphile defaults | ${fmt(m(1))} / ${fmt(m(0))} jobs/s = ${ratio.toFixed(2)} | >= 1.0: ${ratio >= 1 ? 'met' : 'NOT met'}`);
    summary.push(`queue, pgvigil batched (25) / graphile batched (localQueue 250) | ${fmt(m(1))} / ${fmt(m(2))} jobs/s = ${(m(1) / m(2)).toFixed(2)} | (like for like)`);
    summary.push(`queue, pgvigil one row per call / graphile defaults | ${fmt(m(3))} / ${fmt(m(0))} jobs/s = ${(m(3) / m(0)).toFixed(2)} | (like for like)`);
  }

  if (throughput.size > 0) {
    const medians = [...throughput].map(([key, xs]) => [key, median(xs)] as const);
    const best = medians.reduce((a, b) => (b[1] > a[1] ? b : a));
    for (const [key, value] of medians.filter(([key]) => key.startsWith(describe({})))) {
      summary.unshift(`throughput, worker defaults (${key.split(' | ')[1]} receiver) | ${fmt(value)}/s | >= 3,000/s: ${value >= 3000 ? 'met' : 'NOT met'}`);
    }
    summary.unshift(`throughput, best: ${best[0]} receiver | ${fmt(best[1])}/s | >= 3,000/s: ${best[1] >= 3000 ? 'met' : 'NOT met'}`);
  }
  console.log('\nsummary (medians)');
  console.log('| figure | value | goal |');
  console.log('|---|---|---|');
  for (const line of summary) console.log(`| ${line} |`);
  console.log(`load average at the end: ${uptime()}`);

  await child.close();
  await inProcess.close();
  await admin.end();
} finally {
  await server.stop();
}

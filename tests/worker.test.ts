// The outbox worker end to end (issue 6): a real PostgreSQL, the worker
// (startWorker) and a real HTTP receiver on 127.0.0.1 in this process.
// Every scenario ends with the same proof (settledProof): every outbox row is
// delivered, or dead for a stated reason; the receiver answered 2xx to
// exactly one webhook-id per delivered row; duplicates (a webhook-id answered
// 2xx more than once) are counted and reported.
// Nothing sleeps in hope: waitFor polls a condition up to a bound.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { createLogger } from '../src/log.js';
import { startWorker, type Worker, type WorkerOptions } from '../src/worker.js';
import { databasesForThisFile, type TestDatabase } from './helpers/db.js';
import { alert, alertsPayload } from './helpers/payload.js';

const fresh = databasesForThisFile();

// --- plumbing -----------------------------------------------------------------

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => console.error('cleanup failed:', e));
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls probe until it returns something truthy, at most timeoutMs. */
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false | 0>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A small pool on the test database for the assertions and polls. */
function poolFor(db: TestDatabase): pg.Pool {
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  cleanups.push(() => pool.end());
  return pool;
}

/** Log lines, kept for the log test and for debugging a failure. */
function captureLogs(level = 'warn'): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => void lines.push(s) } });
  return { lines, logger };
}

async function worker(db: TestDatabase, options: WorkerOptions = {}): Promise<Worker> {
  const w = await startWorker({
    databaseUrl: db.url,
    tick: false,
    pollMs: 100,
    shutdownMs: 3_000,
    poolSize: 4,
    logger: captureLogs().logger,
    ...options,
  });
  cleanups.push(() => w.stop());
  return w;
}

interface Received {
  n: number;
  id: string | undefined;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Date.now() when the request arrived, and when it was answered (null: never). */
  at: number;
  answeredAt: number | null;
  status: number | null;
}

type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** An HTTP receiver on 127.0.0.1 that records every request and answers with reply(). */
class Receiver {
  readonly requests: Received[] = [];
  reply: (r: Received) => Reply = () => ({ status: 200, body: 'ok' });
  private readonly hanging = new Set<http.ServerResponse>();

  private constructor(private readonly server: http.Server) {}

  static async start(port = 0): Promise<Receiver> {
    const server = http.createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    cleanups.push(() => receiver.close());
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      const r: Received = {
        n: this.requests.length + 1,
        id: Array.isArray(id) ? id[0] : id,
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        answeredAt: null,
        status: null,
      };
      this.requests.push(r);
      const reply = this.reply(r);
      if (reply === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      r.status = reply.status;
      r.answeredAt = Date.now();
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body ?? '');
    });
  }

  /** Requests per webhook-id answered 2xx. */
  accepted(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.requests) {
      if (r.id !== undefined && r.status !== null && r.status >= 200 && r.status < 300) out.set(r.id, (out.get(r.id) ?? 0) + 1);
    }
    return out;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** A port nothing listens on (for now). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function addChannel(pool: pg.Pool, name: string, target: string, over: { kind?: string; secretRef?: string; allowPrivate?: boolean } = {}) {
  await pool.query(
    `select vigil.add_channel(p_name => $1, p_kind => $2, p_target => $3, p_secret_ref => $4, p_allow_private => $5)`,
    [name, over.kind ?? 'webhook', target, over.secretRef ?? null, over.allowPrivate ?? true],
  );
}

/** n heartbeat rows for channel, due now, as test.enqueue (tests/pgtap/delivery/fixtures.sql) writes them; returns their ids in order. */
async function enqueue(pool: pg.Pool, channel: string, n: number): Promise<string[]> {
  const r = await pool.query<{ id: string }>(
    `insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
     select now(), $1, 'heartbeat', 'test:' || $1 || ':' || g,
            jsonb_build_object('version', 1, 'kind', 'heartbeat', 'channel', $1::text, 'sentAt', now(),
                               'status', 'firing', 'summary', 'test ' || g, 'alerts', '[]'::jsonb),
            now()
       from generate_series(1, $2::integer) g
     order by g
     returning id`,
    [channel, n],
  );
  await pool.query(`select pg_notify('vigil_outbox', $1)`, [channel]);
  return r.rows.map((row) => row.id);
}

/** Retries after 200 ms (±10%) instead of the production schedule, so that a test runs in seconds. */
async function fastRetries(pool: pg.Pool) {
  await pool.query(`update vigil.retry_schedule set delay = '200 milliseconds'`);
}

async function unsettled(pool: pg.Pool): Promise<number> {
  const r = await pool.query<{ n: number }>(`select count(*)::int as n from vigil.outbox where status in ('pending', 'delivering')`);
  return r.rows[0]!.n;
}

async function waitSettled(pool: pg.Pool, timeoutMs = 30_000) {
  await waitFor('every outbox row delivered or dead', async () => (await unsettled(pool)) === 0, timeoutMs);
}

interface Proof {
  rows: number;
  delivered: number;
  dead: number;
  requests: number;
  /** Extra 2xx answers to a webhook-id already answered 2xx. */
  duplicates: number;
}

/**
 * The end of every scenario: no row is pending or delivering; each is
 * delivered, or dead with a last_error (matching deadReason, when given);
 * the webhook-ids answered 2xx are exactly the delivered rows' keys.
 */
async function settledProof(pool: pg.Pool, receivers: Receiver[], label: string, deadReason?: RegExp): Promise<Proof> {
  const { rows } = await pool.query<{ idempotency_key: string; status: string; last_error: string | null }>(
    `select idempotency_key, status, last_error from vigil.outbox order by id`,
  );
  for (const row of rows) {
    expect(['delivered', 'dead'], `row ${row.idempotency_key}`).toContain(row.status);
    if (row.status === 'dead') {
      expect(row.last_error, `dead row ${row.idempotency_key} says why`).not.toBeNull();
      if (deadReason) expect(row.last_error).toMatch(deadReason);
    }
  }
  const accepted = new Map<string, number>();
  for (const r of receivers) for (const [id, n] of r.accepted()) accepted.set(id, (accepted.get(id) ?? 0) + n);
  const delivered = rows.filter((r) => r.status === 'delivered').map((r) => r.idempotency_key);
  expect([...accepted.keys()].sort()).toEqual([...delivered].sort());
  expect(accepted.size).toBe(delivered.length);
  const duplicates = [...accepted.values()].reduce((sum, n) => sum + (n - 1), 0);
  const proof = {
    rows: rows.length,
    delivered: delivered.length,
    dead: rows.length - delivered.length,
    requests: receivers.reduce((sum, r) => sum + r.requests.length, 0),
    duplicates,
  };
  console.log(`${label}: ${JSON.stringify(proof)}`);
  return proof;
}

async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

/** One sample of a Prometheus text exposition, by name and labels (a subset). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function metric(w: Worker, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const { text } = await fetchText(`http://127.0.0.1:${w.port}/metrics`);
  return sample(text, name, labels);
}

// --- scenarios ------------------------------------------------------------------

describe('worker delivery', () => {
  test('(a) receiver down, then up: rows retry and all end delivered', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    await fastRetries(pool);
    const port = await closedPort();
    await addChannel(pool, 'down', `http://127.0.0.1:${port}/hook`);
    await enqueue(pool, 'down', 20);
    await worker(db, { breaker: { openMs: 500 } });

    // Every row failed at least once on the closed port.
    await waitFor('a refused attempt for every row', async () => {
      const r = await pool.query<{ n: number }>(
        `select count(distinct outbox_id)::int as n from vigil.delivery_attempts where outcome = 'retry' and error ~ 'ECONNREFUSED'`,
      );
      return r.rows[0]!.n === 20;
    });
    const before = await pool.query<{ status: string; n: number }>(`select status, count(*)::int as n from vigil.outbox group by 1`);
    expect(before.rows.filter((r) => r.status === 'delivered' || r.status === 'dead')).toEqual([]);

    const receiver = await Receiver.start(port);
    await waitSettled(pool);
    const proof = await settledProof(pool, [receiver], '(a) down then up');
    expect(proof.delivered).toBe(20);
    expect(proof.duplicates).toBe(0);
  });

  test('(b) 429 Retry-After: 2 (webhook) and Discord retry_after 1.5: the next attempt waits at least that long', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    const receiver = await Receiver.start();
    await addChannel(pool, 'hook', `${receiver.url}/hook`);
    await addChannel(pool, 'disco', `${receiver.url}/api/webhooks/1/t0k3n`, { kind: 'discord' });
    const seen = new Set<string>();
    receiver.reply = (r): Reply => {
      if (r.id === undefined || seen.has(r.id)) return { status: r.url.startsWith('/api/webhooks') ? 204 : 200 };
      seen.add(r.id);
      if (r.url === '/hook') return { status: 429, headers: { 'retry-after': '2' }, body: 'slow down' };
      return {
        status: 429,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 1.5, global: false }),
      };
    };
    await enqueue(pool, 'hook', 1);
    await pool.query(
      `insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
       values (now(), 'disco', 'alerts', 'test:disco:1', $1::jsonb, now())`,
      [JSON.stringify(alertsPayload('disco', [alert()]))],
    );
    await worker(db);
    await waitSettled(pool);

    const byId = (id: string) => receiver.requests.filter((r) => r.id === id);
    const [hook429, hookNext] = byId('test:hook:1');
    expect(hook429?.status).toBe(429);
    expect(hookNext?.status).toBe(200);
    expect(hookNext!.at - hook429!.answeredAt!).toBeGreaterThanOrEqual(2_000);
    const [disco429, discoNext] = byId('test:disco:1');
    expect(disco429?.status).toBe(429);
    expect(discoNext?.status).toBe(204);
    expect(discoNext!.at - disco429!.answeredAt!).toBeGreaterThanOrEqual(1_500);
    console.log(`(b) waited ${hookNext!.at - hook429!.answeredAt!} ms after Retry-After: 2, ${discoNext!.at - disco429!.answeredAt!} ms after retry_after 1.5`);

    const attempts = await pool.query<{ channel: string; outcome: string; http_status: number; error: string | null }>(
      `select channel, outcome, http_status, error from vigil.delivery_attempts order by channel, id`,
    );
    expect(attempts.rows).toEqual([
      { channel: 'disco', outcome: 'retry', http_status: 429, error: 'HTTP 429, retry after 1500 ms' },
      { channel: 'disco', outcome: 'delivered', http_status: 204, error: null },
      { channel: 'hook', outcome: 'retry', http_status: 429, error: 'HTTP 429, retry after 2000 ms' },
      { channel: 'hook', outcome: 'delivered', http_status: 200, error: null },
    ]);
    const proof = await settledProof(pool, [receiver], '(b) 429');
    expect(proof.delivered).toBe(2);
    expect(proof.duplicates).toBe(0);
  });

  test('(c) 30% of requests answered 500: ~200 rows all delivered, the retries recorded', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    await fastRetries(pool);
    const receiver = await Receiver.start();
    // Deterministic 30%: requests 3, 6, 9 of every 10.
    receiver.reply = (r) => ([3, 6, 9].includes(r.n % 10) ? { status: 500, body: 'internal error' } : { status: 200 });
    await addChannel(pool, 'flaky', `${receiver.url}/hook`);
    await enqueue(pool, 'flaky', 200);
    await worker(db);
    await waitSettled(pool);

    const proof = await settledProof(pool, [receiver], '(c) 30% 500s');
    expect(proof.delivered).toBe(200);
    expect(proof.duplicates).toBe(0);
    const failed = receiver.requests.filter((r) => r.status === 500).length;
    expect(failed).toBeGreaterThan(0);
    const a = await pool.query<{ total: number; retries: number; delivered: number; retried_rows: number; http500: number }>(
      `select count(*)::int as total,
              count(*) filter (where outcome = 'retry')::int as retries,
              count(*) filter (where outcome = 'delivered')::int as delivered,
              count(distinct outbox_id) filter (where outcome = 'retry')::int as retried_rows,
              count(*) filter (where http_status = 500)::int as http500
         from vigil.delivery_attempts`,
    );
    expect(a.rows[0]).toMatchObject({ total: receiver.requests.length, retries: failed, delivered: 200, http500: failed });
    expect(a.rows[0]!.retried_rows).toBeGreaterThan(0);
    // Each row's attempt counter is the number of attempts recorded for it.
    const mismatch = await pool.query(
      `select o.id from vigil.outbox o
        where o.attempts <> (select count(*) from vigil.delivery_attempts a where a.outbox_id = o.id)`,
    );
    expect(mismatch.rows).toEqual([]);
    console.log(`(c) ${receiver.requests.length} requests, ${failed} answered 500, ${a.rows[0]!.retried_rows} rows retried`);
  });

  test('(d) a receiver that hangs: the attempt times out (timeoutMs) as a retry, then the row is delivered', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    await fastRetries(pool);
    const receiver = await Receiver.start();
    let hang = true;
    receiver.reply = () => (hang ? 'hang' : { status: 200 });
    await addChannel(pool, 'slow', `${receiver.url}/hook`);
    await enqueue(pool, 'slow', 1);
    await worker(db, { timeoutMs: 500 });

    const timedOut = await waitFor('a timed out attempt', async () => {
      const r = await pool.query<{ outcome: string; http_status: number | null; error: string; latency_ms: number }>(
        `select outcome, http_status, error, latency_ms from vigil.delivery_attempts order by id limit 1`,
      );
      return r.rows[0];
    });
    expect(timedOut).toMatchObject({ outcome: 'retry', http_status: null });
    expect(timedOut.error).toMatch(/no response: .*within 500 ms/);
    expect(timedOut.latency_ms).toBeGreaterThanOrEqual(450);

    hang = false;
    await waitSettled(pool);
    const proof = await settledProof(pool, [receiver], '(d) hang');
    expect(proof.delivered).toBe(1);
    expect(proof.duplicates).toBe(0);
    expect(receiver.requests.filter((r) => r.status === null).length).toBeGreaterThanOrEqual(1);
  });

  test('(g) two workers on one database, 1,000 rows: all delivered once, both did some', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    const receiver = await Receiver.start();
    await addChannel(pool, 'bulk', `${receiver.url}/hook`);
    const one = await worker(db, { name: 'worker-one', batchSize: 20, concurrency: 20 });
    const two = await worker(db, { name: 'worker-two', batchSize: 20, concurrency: 20 });
    await enqueue(pool, 'bulk', 1_000);
    await waitSettled(pool, 45_000);

    const proof = await settledProof(pool, [receiver], '(g) two workers');
    expect(proof.delivered).toBe(1_000);
    expect(proof.duplicates).toBe(0);
    expect(receiver.requests.length).toBe(1_000);
    const byWorker = await pool.query<{ worker: string; n: number }>(
      `select worker, count(*)::int as n from vigil.delivery_attempts where outcome = 'delivered' group by 1 order by 1`,
    );
    console.log(`(g) delivered by worker: ${JSON.stringify(byWorker.rows)}`);
    expect(byWorker.rows.map((r) => r.worker)).toEqual(['worker-one', 'worker-two']);
    expect(byWorker.rows.reduce((sum, r) => sum + r.n, 0)).toBe(1_000);
    const twice = await pool.query(`select outbox_id from vigil.delivery_attempts group by 1 having count(*) > 1`);
    expect(twice.rows).toEqual([]);
    for (const w of [one, two]) {
      const lost = await w.metrics.deliveries.get();
      expect(lost.values.filter((v) => v.labels.outcome === 'lease_lost')).toEqual([]);
    }
  });

  test('circuit breaker: opens after 10 failed attempts, defers rows without spending attempts, closes when the receiver recovers', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    await fastRetries(pool);
    const receiver = await Receiver.start();
    let failing = true;
    receiver.reply = () => (failing ? { status: 503, body: 'unavailable' } : { status: 200 });
    await addChannel(pool, 'breaky', `${receiver.url}/hook`);
    await enqueue(pool, 'breaky', 20);
    const concurrency = 5;
    const w = await worker(db, { port: 0, batchSize: 5, concurrency, breaker: { openMs: 1_500 } });

    // Open after 10 failures; at most concurrency - 1 more were in flight
    // then. The receiver's count is read on both sides of the scrape: at
    // least 10 answered before it saw the breaker open, at most 14 sent.
    const [sentBefore, sentAfter] = await waitFor('the breaker to open', async () => {
      const before = receiver.requests.length;
      const open = (await metric(w, 'pgvigil_circuit_breaker_state', { channel: 'breaky' })) === 2;
      return open && [before, receiver.requests.length];
    });
    expect(sentAfter).toBeGreaterThanOrEqual(10);
    expect(sentBefore).toBeLessThanOrEqual(10 + concurrency - 1);
    const sentWhenOpen = sentAfter;

    // Half-open: one trial goes out, the other claimed rows are deferred.
    const deferred = await waitFor('a row deferred by the breaker', async () => {
      const r = await pool.query<{ last_error: string }>(
        `select last_error from vigil.outbox where status = 'pending' and last_error like 'circuit breaker open%' limit 1`,
      );
      return r.rows[0];
    });
    expect(deferred.last_error).toBe('circuit breaker open: most recent attempts to breaky failed');
    // Nothing deferred was counted as an attempt or sent.
    const counted = await pool.query(
      `select o.id, o.status, o.attempts from vigil.outbox o
        where o.attempts <> (select count(*) from vigil.delivery_attempts a where a.outbox_id = o.id)
                             + case when o.status = 'delivering' then 1 else 0 end`,
    );
    expect(counted.rows).toEqual([]);
    expect(await metric(w, 'pgvigil_deliveries_total', { channel: 'breaky', outcome: 'deferred' })).toBeGreaterThan(0);

    failing = false;
    await waitSettled(pool);
    const proof = await settledProof(pool, [receiver], 'breaker');
    expect(proof.delivered).toBe(20);
    expect(proof.duplicates).toBe(0);
    expect(await metric(w, 'pgvigil_circuit_breaker_state', { channel: 'breaky' })).toBe(0);
    const a = await pool.query<{ n: number }>(`select count(*)::int as n from vigil.delivery_attempts`);
    expect(a.rows[0]!.n).toBe(receiver.requests.length);
    const mismatch = await pool.query(
      `select o.id from vigil.outbox o where o.attempts <> (select count(*) from vigil.delivery_attempts a where a.outbox_id = o.id)`,
    );
    expect(mismatch.rows).toEqual([]);
    // 20 deliveries, the failures before the breaker opened, and a few trials: not a retry schedule's worth per row.
    expect(receiver.requests.length).toBeLessThan(20 + 14 + 10);
    console.log(`breaker: ${receiver.requests.length} requests for 20 rows, ${sentWhenOpen} before it opened`);
  });

  test('410 Gone: the row is dead, the channel disabled with the reason, its other rows wait until it is enabled again', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    const receiver = await Receiver.start();
    let gone = true;
    receiver.reply = (r) => (gone && r.url === '/gone' ? { status: 410, body: 'gone' } : { status: 200 });
    await addChannel(pool, 'gone', `${receiver.url}/gone`);
    await addChannel(pool, 'other', `${receiver.url}/other`);
    await enqueue(pool, 'gone', 3);
    // One row at a time: the 410 is settled before the next claim.
    await worker(db, { batchSize: 1, concurrency: 1 });

    await waitFor('the channel disabled', async () => {
      const r = await pool.query<{ enabled: boolean }>(`select enabled from vigil.channels where name = 'gone'`);
      return r.rows[0]!.enabled === false;
    });
    // A later row of another channel is delivered: a claim ran after the
    // 410 and passed over the older rows of the disabled channel.
    await enqueue(pool, 'other', 1);
    await waitFor('the other channel delivered', async () => {
      const r = await pool.query<{ status: string }>(`select status from vigil.outbox where channel = 'other'`);
      return r.rows[0]!.status === 'delivered';
    });
    const channel = await pool.query(`select enabled, disabled_reason from vigil.channels where name = 'gone'`);
    expect(channel.rows).toEqual([{ enabled: false, disabled_reason: 'receiver answered 410 Gone' }]);
    const rows = await pool.query(`select idempotency_key, status, attempts from vigil.outbox where channel = 'gone' order by id`);
    expect(rows.rows).toEqual([
      { idempotency_key: 'test:gone:1', status: 'dead', attempts: 1 },
      { idempotency_key: 'test:gone:2', status: 'pending', attempts: 0 },
      { idempotency_key: 'test:gone:3', status: 'pending', attempts: 0 },
    ]);
    expect(receiver.requests.filter((r) => r.url === '/gone').length).toBe(1);

    gone = false;
    await pool.query(`select vigil.enable_channel('gone')`);
    await waitSettled(pool);
    const proof = await settledProof(pool, [receiver], '410', /^HTTP 410: the receiver is gone; channel disabled$/);
    expect(proof).toMatchObject({ rows: 4, delivered: 3, dead: 1, duplicates: 0 });
  });

  test('SSRF: a channel without allow_private may not reach loopback; the row is dead and the receiver gets nothing', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    const receiver = await Receiver.start();
    await addChannel(pool, 'literal', `${receiver.url}/hook`, { allowPrivate: false });
    await addChannel(pool, 'named', `http://localhost:${receiver.port}/hook`, { allowPrivate: false });
    await enqueue(pool, 'literal', 1);
    await enqueue(pool, 'named', 1);
    await worker(db);
    await waitSettled(pool);

    const proof = await settledProof(pool, [receiver], 'SSRF', /^refused to connect to .*loopback \(allow with the channel's allow_private or --allow-private\)$/);
    expect(proof).toMatchObject({ rows: 2, delivered: 0, dead: 2 });
    expect(receiver.requests).toEqual([]);
    const r = await pool.query(`select channel, outcome, http_status from vigil.delivery_attempts order by channel`);
    expect(r.rows).toEqual([
      { channel: 'literal', outcome: 'dead', http_status: null },
      { channel: 'named', outcome: 'dead', http_status: null },
    ]);
  });

  test('env:NAME targets and secrets come from the env option; a missing one makes the row dead naming the variable', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    const receiver = await Receiver.start();
    await addChannel(pool, 'fromenv', 'env:HOOK_URL');
    await addChannel(pool, 'nourl', 'env:MISSING_HOOK_URL');
    await addChannel(pool, 'nosecret', `${receiver.url}/nosecret`, { secretRef: 'env:MISSING_SIGNING_KEY' });
    for (const c of ['fromenv', 'nourl', 'nosecret']) await enqueue(pool, c, 1);
    await worker(db, { env: { HOOK_URL: `${receiver.url}/from-env` } });
    await waitSettled(pool);

    await settledProof(pool, [receiver], 'env');
    const r = await pool.query(`select channel, status, last_error from vigil.outbox order by channel`);
    expect(r.rows).toEqual([
      { channel: 'fromenv', status: 'delivered', last_error: null },
      { channel: 'nosecret', status: 'dead', last_error: "the channel secret is env:MISSING_SIGNING_KEY, which is not set in the worker's environment" },
      { channel: 'nourl', status: 'dead', last_error: "the channel target is env:MISSING_HOOK_URL, which is not set in the worker's environment" },
    ]);
    expect(receiver.requests.map((q) => q.url)).toEqual(['/from-env']);
  });

  test('/metrics counts the deliveries; /healthz is 200 ok', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    const receiver = await Receiver.start();
    await addChannel(pool, 'counted', `${receiver.url}/hook`);
    await enqueue(pool, 'counted', 7);
    const w = await worker(db, { port: 0, name: 'metrics-worker' });
    expect(w.port).toBeGreaterThan(0);
    await waitSettled(pool);
    await settledProof(pool, [receiver], 'metrics');

    const { status, text } = await fetchText(`http://127.0.0.1:${w.port}/metrics`);
    expect(status).toBe(200);
    expect(sample(text, 'pgvigil_deliveries_total', { channel: 'counted', outcome: 'delivered' })).toBe(7);
    expect(sample(text, 'pgvigil_delivery_duration_seconds_count', { channel: 'counted' })).toBe(7);
    expect(sample(text, 'pgvigil_circuit_breaker_state', { channel: 'counted' })).toBe(0);
    expect(sample(text, 'pgvigil_deliveries_in_flight', {})).toBe(0);

    const health = await fetchText(`http://127.0.0.1:${w.port}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', worker: 'metrics-worker', inflight: 0 });
  });

  test('logs and recorded responses never carry the secret URL path or the signing secret', async () => {
    const db = await fresh();
    const pool = poolFor(db);
    await fastRetries(pool);
    const receiver = await Receiver.start();
    const secretPath = '/services/T0/B0/s3cr3tT0k3n';
    const signingSecret = 'whsec_' + Buffer.from('another 32 byte key for tests!!!').toString('base64');
    // Echoes the URL it was called on (as a framework's error page would):
    // the first attempt of each row gets a 500 (retried), the third row of
    // each channel a 404 (dead).
    const failed = new Set<string>();
    receiver.reply = (r) => {
      const echo = `Cannot POST ${r.url} (http://${r.headers.host}${r.url}); signature ${String(r.headers['webhook-signature'])}`;
      if (r.id?.endsWith(':3')) return { status: 404, body: echo };
      if (failed.has(r.id ?? '')) return { status: 200 };
      failed.add(r.id ?? '');
      return { status: 500, body: echo };
    };
    await addChannel(pool, 'literal', `${receiver.url}${secretPath}`, { secretRef: 'env:SIGNING_KEY' });
    await addChannel(pool, 'indirect', 'env:SECRET_HOOK', { secretRef: 'env:SIGNING_KEY' });
    await enqueue(pool, 'literal', 3);
    await enqueue(pool, 'indirect', 3);
    const { lines, logger } = captureLogs('debug');
    await worker(db, { logger, env: { SIGNING_KEY: signingSecret, SECRET_HOOK: `${receiver.url}${secretPath}` } });
    await waitSettled(pool);
    await settledProof(pool, [receiver], 'logs', /^HTTP 404: /);

    const logText = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    expect(logText).toContain('will retry');
    expect(logText).toContain('dead letter');
    const attempts = await pool.query<{ response_excerpt: string | null; error: string | null }>(
      `select response_excerpt, error from vigil.delivery_attempts`,
    );
    const excerpts = attempts.rows.map((r) => `${r.response_excerpt ?? ''} ${r.error ?? ''}`).join('\n');
    expect(excerpts).toContain('Cannot POST [redacted] ([redacted])');
    const secretKey = signingSecret.slice('whsec_'.length);
    for (const secret of ['s3cr3tT0k3n', secretPath, secretKey]) {
      expect(logText).not.toContain(secret);
      expect(excerpts).not.toContain(secret);
    }
  });
});


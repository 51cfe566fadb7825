// The outbox worker (issue 6; step 7 of the pipeline in DESIGN.md): the only
// long-running TypeScript. It claims due notifications, formats each for its
// channel, sends it, and tells SQL how the attempt went; SQL decides what
// happens next (retry when, dead, channel disabled). What lives here is what
// SQL cannot do: HTTP, the per-channel rate limit and circuit breaker, the
// SSRF guard, env:NAME secrets, the process lifecycle, logs and metrics.
//
// Wake-up: LISTEN vigil_outbox, and a poll every pollMs (rows become due by
// time too: retries, deferrals, expired leases).
// Shutdown: stop claiming, let in-flight deliveries finish up to a deadline,
// then give back the leases still held (vigil.release_leases).
// Crashes: a killed worker releases nothing; its leases expire and another
// worker claims the rows (vigil.claim_deliveries).
// Database restarts: every query may fail; claims back off and retry, and a
// settle is retried until its lease runs out.
import http from 'node:http';
import https from 'node:https';
import { hostname } from 'node:os';
import pg from 'pg';
import { classify, format, FormatError, isChannelKind, noResponse, type ChannelKind, type Delivery, type Outcome, type Payload } from './channels/index.js';
import { createLogger, scrub, type Logger } from './log.js';
import { createMetrics, listeningPort, serveMetrics, type WorkerMetrics } from './metrics.js';
import { CircuitBreaker, type BreakerOptions } from './protect/breaker.js';
import { bucketFor, type TokenBucket } from './protect/rateLimit.js';
import { httpRequest } from './protect/ssrf.js';
import { runMaintenanceOn } from './maintenance.js';
import { runTickOn, type TickResult } from './tick.js';
import { VigilSql, type ClaimedRow, type SettledRow, type Settlement } from './vigil.js';

export interface WorkerOptions {
  /** Connection URL (default: DATABASE_URL, then the PG* variables). */
  databaseUrl?: string;
  /** Unique worker name, stored as the lease owner (default host:pid:random). */
  name?: string;
  /** Rows claimed per call (default 100). */
  batchSize?: number;
  /** Deliveries in flight at once (default 200). */
  concurrency?: number;
  /** Lease on claimed rows (default 60 s): longer than one attempt's timeout. */
  leaseMs?: number;
  /** Poll this often when no NOTIFY arrives (default 1 s). */
  pollMs?: number;
  /** One attempt, connect to last byte (default 15 s). */
  timeoutMs?: number;
  /** Let every channel reach private and loopback addresses (--allow-private). */
  allowPrivate?: boolean;
  /** Run vigil.tick() on an interval: true, false, or 'auto' (default: while pg_cron does not tick pgvigil, as vigil._worker_should_tick says). */
  tick?: boolean | 'auto';
  /** The scheduler's interval (default 15 s). */
  tickEveryMs?: number;
  /** Called after each scheduler tick that ran, with a database handle. */
  onTick?: (result: TickResult, db: pg.Pool) => void | Promise<void>;
  /** Serve /metrics and /healthz on this port (0: any free port); none when undefined. */
  port?: number;
  /** Address for /metrics (default 127.0.0.1). */
  host?: string;
  /** Where env:NAME targets and secrets are read (default process.env). */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** How long shutdown waits for in-flight deliveries (default 10 s). */
  shutdownMs?: number;
  /** Circuit breaker settings (defaults: ≥70% failures over ≥10 attempts, open 30 s). */
  breaker?: BreakerOptions;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export interface Worker {
  readonly name: string;
  readonly metrics: WorkerMetrics;
  /** The /metrics port, when serving. */
  readonly port: number | undefined;
  /** Whether the scheduler ticks (in 'auto' mode: now, or stands by while pg_cron ticks). */
  readonly ticking: boolean;
  /** Stops claiming, finishes in-flight deliveries (up to shutdownMs), releases the rest. Idempotent. */
  stop(): Promise<void>;
  /** Resolves once the worker has stopped. */
  readonly stopped: Promise<void>;
}

/** A channel's target or secret as stored: a literal, or env:NAME read from the worker's environment. */
export function resolveRef(ref: string, env: Record<string, string | undefined>, what: string): string {
  const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
  if (!m) return ref;
  const value = env[m[1]!];
  if (value === undefined || value === '') {
    throw new FormatError(`the ${what} is env:${m[1]}, which is not set in the worker's environment`, `Set ${m[1]} where the worker runs, then replay: select vigil.replay_dead(p_channel => '<channel>');`);
  }
  return value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A database error worth retrying: no connection, server restarting, or out of resources. */
function transient(e: unknown): boolean {
  // Only the server's errors carry a SQLSTATE; a socket error's code can look like one (EPIPE).
  if (!(e instanceof pg.DatabaseError)) return true; // a socket error, "Connection terminated", ...
  const code = e.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return /^(08|57|53|40)/.test(code);
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * What of a target URL must not reach an excerpt or a log: all of it, and
 * its path and query, which a receiver may echo alone (an error page's
 * "Cannot POST /services/T000/B000/XXXX"); a webhook URL's secret is there.
 */
function targetSecrets(target: string): string[] {
  try {
    const u = new URL(target);
    return [target, u.pathname + u.search, u.pathname, u.search].filter((s) => s.length > 1);
  } catch {
    return [target];
  }
}

interface ChannelState {
  bucket: TokenBucket;
  breaker: CircuitBreaker;
  rateKey: string;
}

export async function startWorker(options: WorkerOptions = {}): Promise<Worker> {
  const name = options.name ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 200;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const shutdownMs = options.shutdownMs ?? 10_000;
  const env = options.env ?? process.env;
  const log = (options.logger ?? createLogger()).child({ worker: name });
  const connectionString = options.databaseUrl ?? process.env.DATABASE_URL;
  const clientConfig: pg.ClientConfig = connectionString ? { connectionString } : {};

  const pool = new pg.Pool({ ...clientConfig, max: options.poolSize ?? 10, application_name: `pgvigil worker` });
  pool.on('error', (e) => log.warn({ err: messageOf(e) }, 'idle database connection failed'));
  const sql = new VigilSql(pool);

  // Keep-alive agents of this worker, one per protocol and SSRF policy: a
  // socket opened for an allow_private channel never serves another.
  const agents = {
    'http:': { guarded: new http.Agent({ keepAlive: true }), private: new http.Agent({ keepAlive: true }) },
    'https:': { guarded: new https.Agent({ keepAlive: true }), private: new https.Agent({ keepAlive: true }) },
  };

  const channels = new Map<string, ChannelState>();
  const channelState = (row: ClaimedRow, kind: ChannelKind): ChannelState => {
    const rateKey = `${kind}:${row.rate_limit_per_minute ?? ''}`;
    let state = channels.get(row.channel);
    if (!state) {
      state = { bucket: bucketFor(kind, row.rate_limit_per_minute), breaker: new CircuitBreaker(options.breaker), rateKey };
      channels.set(row.channel, state);
    } else if (state.rateKey !== rateKey) {
      state.bucket = bucketFor(kind, row.rate_limit_per_minute);
      state.rateKey = rateKey;
    }
    return state;
  };

  const metrics = createMetrics({
    backlog: () => sql.deliveryBacklog(),
    breakers: () => [...channels].map(([channel, s]) => ({ channel, state: s.breaker.state })),
  });

  let stopping = false;
  let stopNow!: () => void;
  const stopRequested = new Promise<void>((resolve) => (stopNow = resolve));
  let closed = false; // the pool is gone: nothing more can be settled
  let healthy = false;
  let lastClaimAt = 0;
  const inflight = new Set<Promise<void>>();

  // --- wake-ups -----------------------------------------------------------
  let woken = false;
  let wakeUp: (() => void) | null = null;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  const waitForWake = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) {
        woken = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        woken = false;
        resolve();
      }
      wakeUp = done;
    });

  // LISTEN on a connection of its own, reconnected when it drops.
  let listener: pg.Client | null = null;
  let listenRetry: NodeJS.Timeout | null = null;
  const listen = async (delay = 500): Promise<void> => {
    if (stopping) return;
    const client = new pg.Client({ ...clientConfig, application_name: 'pgvigil worker (listen)' });
    const retry = () => {
      if (listener === client) listener = null;
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (stopping || listenRetry) return;
      listenRetry = setTimeout(() => {
        listenRetry = null;
        void listen(Math.min(delay * 2, 10_000));
      }, delay);
    };
    client.on('error', (e) => {
      log.warn({ err: messageOf(e) }, 'LISTEN connection lost; polling until it is back');
      retry();
    });
    client.on('notification', () => wake());
    try {
      await client.connect();
      await client.query('listen vigil_outbox');
      listener = client;
      wake(); // anything enqueued while we were not listening
      if (stopping) await client.end();
    } catch (e) {
      log.warn({ err: messageOf(e) }, 'cannot LISTEN on vigil_outbox; polling meanwhile');
      retry();
    }
  };

  // --- settling, batched ---------------------------------------------------------
  // Settlements queue up and go to vigil.settle_deliveries in batches: at
  // most two batches in flight, the next one holding whatever arrived
  // meanwhile. An idle worker so settles at once; a busy one pays one round
  // trip and one commit per batch instead of per notification.
  interface Queued {
    row: ClaimedRow;
    s: Settlement;
    resolve: (r: SettledRow & { lease_lost: boolean }) => void;
    reject: (e: unknown) => void;
  }
  const settleQueue: Queued[] = [];
  let flushing = 0;
  const flushSettlements = () => {
    while (settleQueue.length > 0 && flushing < 2) {
      const batch = settleQueue.splice(0, 100);
      flushing++;
      sql
        .settleDeliveries(name, batch.map((q) => ({ id: q.row.id, s: q.s })))
        .then(
          (rows) => {
            const byId = new Map(rows.map((r) => [String(r.id), r]));
            for (const q of batch) {
              const r = byId.get(q.row.id);
              if (r) q.resolve(r);
              else q.reject(new Error(`outbox row ${q.row.id} was not settled`));
            }
          },
          (e: unknown) => {
            if (transient(e) || batch.length === 1) {
              for (const q of batch) q.reject(e);
              return;
            }
            // One bad value must not hold the others back: settle each alone.
            for (const q of batch) {
              sql.settleDelivery(q.row.id, name, q.s).then((r) => q.resolve({ ...r, lease_lost: false }), q.reject);
            }
          },
        )
        .finally(() => {
          flushing--;
          flushSettlements();
        });
    }
  };
  const settleOnce = (row: ClaimedRow, s: Settlement) =>
    new Promise<SettledRow & { lease_lost: boolean }>((resolve, reject) => {
      settleQueue.push({ row, s, resolve, reject });
      flushSettlements();
    });

  // --- one delivery ----------------------------------------------------------
  const settle = async (row: ClaimedRow, s: Settlement): Promise<void> => {
    let backoff = 200;
    for (;;) {
      try {
        const settled = await settleOnce(row, s);
        if (settled.lease_lost) throw Object.assign(new Error('lease lost'), { code: '55000' });
        metrics.deliveries.inc({ channel: row.channel, outcome: settled.status === 'pending' ? 'retry' : settled.status });
        const entry = { id: row.id, channel: row.channel, attempt: row.attempts, status: settled.status, http: s.httpStatus ?? undefined };
        if (settled.status === 'delivered') log.debug(entry, 'delivered');
        else if (settled.status === 'dead') log.warn({ ...entry, error: settled.last_error }, 'dead letter');
        else log.info({ ...entry, error: s.error, next: settled.available_at }, 'will retry');
        return;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === '55000') {
          metrics.deliveries.inc({ channel: row.channel, outcome: 'lease_lost' });
          log.warn({ id: row.id, channel: row.channel }, 'lease lost before settling: another worker owns the row now');
          return;
        }
        if (closed || !transient(e) || Date.now() + backoff >= row.lease_expires_at.getTime()) {
          log.error({ id: row.id, channel: row.channel, err: messageOf(e), code }, 'could not settle; the lease will expire and the row be retried');
          return;
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  };

  const defer = async (row: ClaimedRow, waitMs: number, reason: string): Promise<void> => {
    try {
      await sql.deferDelivery(row.id, name, new Date(Date.now() + Math.max(waitMs, 0)), reason);
      metrics.deliveries.inc({ channel: row.channel, outcome: 'deferred' });
      log.debug({ id: row.id, channel: row.channel, waitMs, reason }, 'deferred');
    } catch (e) {
      log.warn({ id: row.id, channel: row.channel, err: messageOf(e) }, 'could not defer; the lease will expire instead');
    }
  };

  const attempt = async (row: ClaimedRow, kind: ChannelKind, state: ChannelState, delivery: Delivery): Promise<Settlement | null> => {
    let requests;
    try {
      requests = format(delivery, new Date());
    } catch (e) {
      if (e instanceof FormatError) return { outcome: 'dead', error: e.message };
      throw e;
    }
    if (requests.length === 0) return { outcome: 'delivered', error: 'nothing to send for this channel kind' };

    if (!state.breaker.canSend()) {
      await defer(row, options.breaker?.openMs ?? 30_000, `circuit breaker open: most recent attempts to ${row.channel} failed`);
      return null;
    }
    // Wait for the channel's rate limit, but not past the lease: a row that
    // would wait longer goes back to the outbox for later.
    const budget = row.lease_expires_at.getTime() - Date.now() - timeoutMs * requests.length - 5_000;
    const wait = state.bucket.reserve(requests.length, Math.max(0, budget));
    if (wait === null) {
      await defer(row, state.bucket.wouldWait(requests.length), `rate limit of ${row.channel}`);
      return null;
    }
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        void stopRequested.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    // Shutting down: a row still waiting for its turn is not sent (its lease
    // is released), and no timer keeps the process alive to send it later.
    if (stopping) return null;

    const secrets = [...targetSecrets(delivery.target), delivery.secret];
    const allowPrivate = row.allow_private || options.allowPrivate === true;
    let outcome: Outcome = { outcome: 'delivered', reason: '' };
    let status: number | null = null;
    let excerpt: string | null = null;
    let latencyMs = 0;
    for (const request of requests) {
      const protocol = new URL(request.url).protocol as 'http:' | 'https:';
      const agent = agents[protocol]?.[allowPrivate ? 'private' : 'guarded'];
      const started = performance.now();
      try {
        const res = await httpRequest(request, { timeoutMs, allowPrivate, agent });
        latencyMs += res.latencyMs;
        status = res.status;
        excerpt = res.bodyText ? scrub(res.bodyText.slice(0, 500), secrets) : null;
        outcome = classify(kind, res.status, res.headers, res.bodyText, new Date());
      } catch (e) {
        latencyMs += performance.now() - started;
        status = null;
        excerpt = null;
        const code = (e as { code?: string }).code;
        outcome = code === 'ESSRF' ? { outcome: 'dead', reason: messageOf(e) } : noResponse(e);
        outcome = { ...outcome, reason: scrub(outcome.reason, secrets) };
      }
      metrics.latency.observe({ channel: row.channel }, latencyMs / 1000);
      if (outcome.outcome !== 'delivered') break;
    }
    if (status !== null || outcome.outcome === 'retry') state.breaker.record(outcome.outcome !== 'retry');
    return {
      outcome: outcome.outcome,
      httpStatus: status,
      error: outcome.outcome === 'delivered' ? null : outcome.reason,
      latencyMs,
      responseExcerpt: excerpt,
      retryAfterMs: outcome.retryAfterMs ?? null,
    };
  };

  const deliver = async (row: ClaimedRow): Promise<void> => {
    if (!isChannelKind(row.channel_kind)) {
      await settle(row, { outcome: 'dead', error: `channel kind ${row.channel_kind} is not known to this worker` });
      return;
    }
    const kind = row.channel_kind;
    const state = channelState(row, kind);
    let delivery: Delivery;
    try {
      delivery = {
        id: row.id,
        channel: row.channel,
        kind,
        idempotencyKey: row.idempotency_key,
        payload: row.payload as Payload,
        target: resolveRef(row.target, env, 'channel target'),
        secret: row.secret_ref === null ? null : resolveRef(row.secret_ref, env, 'channel secret'),
      };
    } catch (e) {
      await settle(row, { outcome: 'dead', error: messageOf(e) });
      return;
    }
    const s = await attempt(row, kind, state, delivery);
    if (s) await settle(row, s);
  };

  const track = (row: ClaimedRow) => {
    const p: Promise<void> = deliver(row)
      .catch((e: unknown) => log.error({ id: row.id, channel: row.channel, err: messageOf(e) }, 'delivery failed unexpectedly; the lease will expire'))
      .finally(() => {
        inflight.delete(p);
        metrics.inflight.set(inflight.size);
        if (roomWaiter) roomWaiter();
      });
    inflight.add(p);
    metrics.inflight.set(inflight.size);
  };

  // --- the claim loop --------------------------------------------------------
  let roomWaiter: (() => void) | null = null;
  const waitForRoom = () =>
    new Promise<void>((resolve) => {
      roomWaiter = () => {
        roomWaiter = null;
        resolve();
      };
    });
  // Claim when a good share of a batch fits, not one row at a time.
  const claimAt = Math.max(1, Math.min(Math.ceil(batchSize / 2), concurrency));
  const skipped = () => {
    const out: string[] = [];
    for (const [channel, s] of channels) if (s.breaker.state === 'open' || s.bucket.wouldWait(1) > 1_000) out.push(channel);
    return out;
  };

  const loop = async () => {
    let backoff = 250;
    while (!stopping) {
      const room = concurrency - inflight.size;
      if (room < claimAt) {
        await waitForRoom();
        continue;
      }
      let rows: ClaimedRow[];
      try {
        rows = await sql.claimDeliveries(name, Math.min(batchSize, room), leaseMs, skipped());
        healthy = true;
        lastClaimAt = Date.now();
        backoff = 250;
      } catch (e) {
        if (!healthy && backoff > 250) log.debug({ err: messageOf(e) }, 'claim failed again');
        else log.warn({ err: messageOf(e), code: (e as { code?: string }).code }, 'claim failed; retrying');
        healthy = false;
        await waitForWake(backoff);
        backoff = Math.min(backoff * 2, 5_000);
        continue;
      }
      for (const row of rows) track(row);
      if (rows.length === 0) await waitForWake(pollMs);
    }
  };

  // --- the scheduler fallback ------------------------------------------------
  let ticking = false;
  let tickTimer: NodeJS.Timeout | null = null;
  let tickRunning: Promise<void> | null = null;
  // What pg_cron's vigil_rotate (hourly) and vigil_housekeeping (daily)
  // jobs do, for a database without them: after a tick this worker ran,
  // when SQL says they are due (vigil._upkeep_due, from when they last
  // ran). Both are safe to run from several workers.
  // Maintenance jobs (docs/maintenance.md) run on a connection of their own,
  // beside the ticks: a VACUUM may take hours and must not hold them up.
  // Each due statement runs as its own top-level statement; failures are
  // recorded by the pass, not thrown. One pass at a time.
  // The passes run after every tick this worker ran, and also on each beat
  // it stands by while pg_cron ticks: pg_cron plans no maintenance job (it
  // cannot run VACUUM from a function), so the worker is what runs them.
  let maintaining: Promise<void> | null = null;
  let maintenancePid: number | null = null;
  let maintenanceDenied = false;
  const startMaintenance = () => {
    if (maintaining || stopping || maintenanceDenied) return;
    maintaining = (async () => {
      let client: pg.PoolClient | null = null;
      let broken: Error | undefined;
      try {
        client = await pool.connect();
        maintenancePid = (client as unknown as { processID?: number }).processID ?? null;
        const pass = await runMaintenanceOn(client, undefined, () => stopping);
        for (const r of pass.runs.filter((x) => x.status !== 'skipped')) {
          if (r.status === 'ok') log.info({ job: r.job, statement: r.statement, ms: r.ms }, 'maintenance job ran');
          else log.warn({ job: r.job, statement: r.statement, err: r.error, code: r.sqlstate }, 'maintenance job failed');
        }
      } catch (e) {
        broken = e as Error;
        const code = (e as { code?: string }).code;
        if (code === '42501') {
          // Said once, not every beat: this role may not plan or record runs.
          maintenanceDenied = true;
          log.error({ err: messageOf(e) }, 'maintenance jobs may not be run as this role: the worker stops running them. Run the worker as the role that installed pgvigil, or run pgvigil maintain as that role.');
        } else {
          log.error({ err: messageOf(e), code }, 'maintenance pass failed');
        }
      } finally {
        maintenancePid = null;
        client?.release(broken);
      }
    })().finally(() => (maintaining = null));
  };
  const maintain = async (db: pg.PoolClient) => {
    startMaintenance(); // in the background, on its own connection
    const sqlOn = new VigilSql(db);
    const due = await sqlOn.upkeepDue();
    if (due.rotate) {
      const actions = await sqlOn.rotatePartitions();
      if (actions.length > 0) log.info({ actions: actions.map((a) => `${a.action} ${a.partition}`) }, 'rotated partitions');
    }
    if (due.housekeeping) log.info({ result: await sqlOn.runHousekeeping() }, 'housekeeping');
  };
  const runTick = async () => {
    let client: pg.PoolClient | null = null;
    let broken: Error | undefined;
    try {
      client = await pool.connect();
      const result = await runTickOn(client);
      metrics.ticks.inc({ result: result.skipped ? 'skipped' : 'ok' });
      if (!result.skipped) {
        log.debug({ checks: result.checks.length, tick: result.summary }, 'tick');
        await maintain(client);
        await options.onTick?.(result, pool);
      }
    } catch (e) {
      broken = transient(e) ? (e as Error) : undefined;
      metrics.ticks.inc({ result: 'error' });
      const code = (e as { code?: string }).code;
      if (code === '42501') {
        log.error({ err: messageOf(e) }, 'the scheduler may not run vigil.tick() as this role: stopping the scheduler. Run the worker as the role that installed pgvigil, or schedule vigil.tick() with pg_cron.');
        if (tickTimer) clearInterval(tickTimer);
        tickTimer = null;
      } else {
        log.error({ err: messageOf(e), code }, 'tick failed');
      }
    } finally {
      client?.release(broken);
    }
  };
  // Tick mode 'auto' (the default) is a standby scheduler: the timer always
  // runs, and each beat first asks SQL (vigil._worker_should_tick) whether
  // pg_cron has ticked pgvigil lately, here or from another database; the
  // worker ticks only while it has not. It logs when it takes over and when
  // it hands back. --tick (true) always ticks; --no-tick (false) never.
  const tickMode = options.tick ?? 'auto';
  let decided = false;
  let askFailing = false;
  const decide = async (): Promise<boolean> => {
    const r = await sql.workerShouldTick();
    if (!decided || r.should_tick !== ticking) {
      const last = r.last_cron_tick_at ? r.last_cron_tick_at.toISOString() : null;
      if (r.should_tick) {
        log.info(
          { lastCronTickAt: last },
          last ? `pg_cron has not run vigil.tick() since ${last}; the worker ticks` : 'pg_cron has never run vigil.tick() in this database; the worker ticks',
        );
      } else {
        log.info({ lastCronTickAt: last }, `pg_cron runs vigil.tick() (last at ${last}); the worker stands by`);
      }
    }
    decided = true;
    ticking = r.should_tick;
    return ticking;
  };
  const beat = async () => {
    if (tickMode === 'auto') {
      try {
        const tick = await decide();
        askFailing = false;
        if (!tick) {
          metrics.ticks.inc({ result: 'standby' });
          startMaintenance(); // pg_cron ticks, but runs no maintenance job
          return;
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === '42501') {
          log.error({ err: messageOf(e) }, 'the scheduler may not ask whether to tick (vigil._worker_should_tick) as this role: stopping the scheduler. Run the worker as vigil_worker or as the role that installed pgvigil.');
          if (tickTimer) clearInterval(tickTimer);
          tickTimer = null;
        } else if (askFailing) {
          log.debug({ err: messageOf(e), code }, 'could not ask whether to tick, again');
        } else {
          log.warn({ err: messageOf(e), code }, 'could not ask whether to tick; asking again at the next beat');
        }
        askFailing = true;
        return;
      }
    }
    await runTick();
  };
  const scheduleTicks = (everyMs: number) => {
    if (tickMode === true) ticking = true;
    const fire = () => {
      if (tickRunning || stopping) return;
      tickRunning = beat().finally(() => (tickRunning = null));
    };
    tickTimer = setInterval(fire, everyMs);
    fire();
  };

  // --- start -----------------------------------------------------------------
  let server: http.Server | undefined;
  if (options.port !== undefined) {
    server = await serveMetrics(
      metrics.registry,
      () => ({ ok: healthy && !stopping, detail: { worker: name, inflight: inflight.size, lastClaimAt: lastClaimAt ? new Date(lastClaimAt).toISOString() : null, ticking } }),
      options.port,
      options.host,
    );
  }
  if (tickMode === 'auto') {
    // The first answer before the worker says it started; a database that
    // cannot answer (pgvigil not installed, or older) fails the start.
    try {
      await decide();
    } catch (e) {
      server?.close();
      await pool.end();
      if ((e as { code?: string }).code === '42883') {
        throw new Error(`this database's pgvigil is older than this worker (${messageOf(e)}): run pgvigil migrate, or start the worker with --no-tick`);
      }
      throw e;
    }
  }
  await listen();
  if (tickMode !== false) scheduleTicks(options.tickEveryMs ?? 15_000);
  log.info({ batchSize, concurrency, leaseMs, pollMs, tick: tickMode, ticking, port: server ? listeningPort(server) : undefined }, 'worker started');
  const looping = loop();

  let stopPromise: Promise<void> | null = null;
  let stoppedResolve!: () => void;
  const stopped = new Promise<void>((resolve) => (stoppedResolve = resolve));
  const stop = () => {
    stopPromise ??= (async () => {
      stopping = true;
      stopNow();
      wake();
      roomWaiter?.();
      if (tickTimer) clearInterval(tickTimer);
      if (listenRetry) clearTimeout(listenRetry);
      await looping;
      let deadlineTimer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => (deadlineTimer = setTimeout(() => resolve('deadline'), shutdownMs)));
      const finished = await Promise.race([Promise.all([...inflight]).then(() => 'done' as const), deadline]);
      clearTimeout(deadlineTimer); // else it keeps the process alive shutdownMs after everything is done
      if (finished === 'deadline') log.warn({ inflight: inflight.size }, 'shutdown deadline reached with deliveries in flight; releasing their leases');
      try {
        const released = await sql.releaseLeases(name);
        if (released > 0) log.info({ released }, 'released leases of unsent notifications');
      } catch (e) {
        log.warn({ err: messageOf(e) }, 'could not release leases; they will expire');
      }
      await tickRunning;
      if (maintaining) {
        // A long VACUUM does not hold up the shutdown: after shutdownMs it
        // is cancelled (recorded as failed, 57014) and the pass ends.
        let maintenanceTimer: NodeJS.Timeout | undefined;
        const late = await Promise.race([
          maintaining.then(() => false),
          new Promise<boolean>((resolve) => (maintenanceTimer = setTimeout(() => resolve(true), shutdownMs))),
        ]);
        clearTimeout(maintenanceTimer);
        if (late && maintenancePid !== null) {
          log.warn({ pid: maintenancePid }, 'shutdown: cancelling the maintenance statement in progress');
          await pool.query('select pg_catalog.pg_cancel_backend($1)', [maintenancePid]).catch(() => {});
        }
        await maintaining;
      }
      await listener?.end().catch(() => {});
      listener = null;
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      for (const byPolicy of Object.values(agents)) {
        byPolicy.guarded.destroy();
        byPolicy.private.destroy();
      }
      closed = true;
      await pool.end().catch(() => {});
      log.info('worker stopped');
      stoppedResolve();
    })();
    return stopPromise;
  };

  return {
    name,
    metrics,
    port: server ? listeningPort(server) : undefined,
    get ticking() {
      return ticking;
    },
    stop,
    stopped,
  };
}

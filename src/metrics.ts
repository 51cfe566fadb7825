// The worker's /metrics (Prometheus text, prom-client) and /healthz. Each
// worker has its own registry, so that several workers in one process (the
// tests) do not share counters.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface WorkerMetrics {
  registry: Registry;
  /** Attempts settled, by channel and outcome (delivered, retry, dead), plus deferred and lease_lost. */
  deliveries: Counter<'channel' | 'outcome'>;
  /** One attempt, send to response, by channel. */
  latency: Histogram<'channel'>;
  /** Scheduler beats by result: ok, skipped (another tick held the lock), error, standby (pg_cron ticks). */
  ticks: Counter<'result'>;
  /** Deliveries in flight in this worker. */
  inflight: Gauge;
}

export interface MetricSources {
  /** Outbox rows waiting per channel (vigil.delivery_backlog); throws when the database is unreachable. */
  backlog(): Promise<Array<{ channel: string; pending: string; delivering: string }>>;
  /** Circuit breaker state per channel this worker has sent to. */
  breakers(): Array<{ channel: string; state: 'closed' | 'open' | 'half-open' }>;
}

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export function createMetrics(sources: MetricSources): WorkerMetrics {
  const registry = new Registry();
  const deliveries = new Counter({
    name: 'pgvigil_deliveries_total',
    help: 'Delivery attempts by channel and outcome: delivered, retry, dead; deferred (breaker open or rate limit, not sent); lease_lost (another worker took the row).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'pgvigil_delivery_duration_seconds',
    help: 'Time from sending a notification to the receiver answering (or the attempt failing), by channel.',
    labelNames: ['channel'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [registry],
  });
  const ticks = new Counter({
    name: 'pgvigil_ticks_total',
    help: 'Beats of the worker scheduler, by result: ok, skipped (another tick held the lock), error, standby (tick mode auto: pg_cron ticks, the worker did not).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const inflight = new Gauge({ name: 'pgvigil_deliveries_in_flight', help: 'Deliveries this worker holds right now.', registers: [registry] });
  new Gauge({
    name: 'pgvigil_outbox_backlog',
    help: 'Outbox rows not yet delivered, by channel and status (pending, delivering), from vigil.delivery_backlog.',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await sources.backlog()) {
        this.set({ channel: row.channel, status: 'pending' }, Number(row.pending));
        this.set({ channel: row.channel, status: 'delivering' }, Number(row.delivering));
      }
    },
  });
  new Gauge({
    name: 'pgvigil_circuit_breaker_state',
    help: 'Circuit breaker state by channel: 0 closed, 1 half-open, 2 open (sends refused).',
    labelNames: ['channel'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const b of sources.breakers()) this.set({ channel: b.channel }, BREAKER_VALUE[b.state]);
    },
  });
  return { registry, deliveries, latency, ticks, inflight };
}

export interface Health {
  ok: boolean;
  detail: Record<string, unknown>;
}

/** Serves GET /metrics and GET /healthz on host:port (port 0: any free port). Resolves once listening. */
export async function serveMetrics(registry: Registry, health: () => Health, port: number, host = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (e: unknown) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${e instanceof Error ? e.message : String(e)}\n`),
      );
    } else if (path === '/healthz') {
      const h = health();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: h.ok ? 'ok' : 'unhealthy', ...h.detail }) + '\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function listeningPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}

// Every channel kind delivered by the worker (startWorker) to a real loopback
// receiver: an 'alerts' outbox row (payload version 1, docs/outbox-payload.md)
// goes out, and the receiver gets the request the kind's formatter makes
// (src/channels/*.ts), with the Standard Webhooks headers every kind carries.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, test } from 'vitest';
import { COLORS } from '../src/channels/discord.js';
import { createLogger } from '../src/log.js';
import { startWorker } from '../src/worker.js';
import { databasesForThisFile } from './helpers/db.js';
import { alert, alertsPayload, RESOLVED_ALERT as resolvedAlert } from './helpers/payload.js';

const fresh = databasesForThisFile();

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => console.error('cleanup failed:', e));
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that records requests and answers each with answer. */
async function receiver(answer: { status: number; body?: string }): Promise<{ url: string; requests: Received[] }> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const firingAlert = alert();

const payloadFor = (channel: string) => alertsPayload(channel, [firingAlert, resolvedAlert]);

function heartbeatPayload(channel: string) {
  return { version: 1, kind: 'heartbeat', channel, status: 'firing', sentAt: '2026-03-10T12:01:00+00:00', alerts: [], summary: 'pgvigil heartbeat: notifications are flowing' };
}

const HEADLINE = '[FIRING] long_queries (1 firing, 1 resolved)';

interface Run {
  key: string;
  payload: unknown;
  requests: Received[];
  attempts: Array<{ outcome: string; http_status: number | null }>;
  sentAfter: number;
}

/**
 * One channel of the kind pointing at a fresh receiver (target: its URL plus
 * path), one outbox row, the worker until the row is delivered.
 */
async function deliver(
  kind: string,
  path: string,
  answer: { status: number; body?: string },
  options: { secretRef?: string; env?: Record<string, string>; payload?: unknown; rowKind?: string } = {},
): Promise<Run> {
  const db = await fresh();
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  cleanups.push(() => pool.end());
  const rx = await receiver(answer);
  const channel = `to-${kind}`;
  await pool.query(`select vigil.add_channel(p_name => $1, p_kind => $2, p_target => $3, p_secret_ref => $4, p_allow_private => true)`, [
    channel,
    kind,
    rx.url + path,
    options.secretRef ?? null,
  ]);
  const payload = options.payload ?? payloadFor(channel);
  const rowKind = options.rowKind ?? 'alerts';
  const key = `${rowKind}:everything:${channel}:2026-03-10T12:01:00Z`;
  const sentAfter = Math.floor(Date.now() / 1000);
  await pool.query(
    `insert into vigil.outbox (created_at, channel, kind, idempotency_key, payload, available_at)
     values (now(), $1, $2, $3, $4::jsonb, now())`,
    [channel, rowKind, key, JSON.stringify(payload)],
  );
  const w = await startWorker({
    databaseUrl: db.url,
    tick: false,
    pollMs: 100,
    shutdownMs: 3_000,
    poolSize: 3,
    env: options.env ?? {},
    logger: createLogger({ level: 'silent' }),
  });
  cleanups.push(() => w.stop());
  await waitFor('the row settled', async () => {
    const r = await pool.query<{ status: string }>(`select status from vigil.outbox where idempotency_key = $1`, [key]);
    return r.rows[0]!.status === 'delivered' || r.rows[0]!.status === 'dead';
  });
  const row = await pool.query<{ status: string; last_error: string | null }>(`select status, last_error from vigil.outbox where idempotency_key = $1`, [key]);
  expect(row.rows[0]).toEqual({ status: 'delivered', last_error: null });
  const attempts = await pool.query<{ outcome: string; http_status: number | null }>(`select outcome, http_status from vigil.delivery_attempts order by id`);
  return { key, payload, requests: rx.requests, attempts: attempts.rows, sentAfter };
}

/** What every request carries: POST, JSON, pgvigil's user agent, the Standard Webhooks id and timestamp. */
function expectStandardHeaders(run: Run, req: Received) {
  expect(req.method).toBe('POST');
  expect(req.headers['content-type']).toBe('application/json');
  expect(req.headers['user-agent']).toMatch(/^pgvigil\/\d+\.\d+\.\d+/);
  expect(req.headers['webhook-id']).toBe(run.key);
  const ts = Number(req.headers['webhook-timestamp']);
  expect(ts).toBeGreaterThanOrEqual(run.sentAfter);
  expect(ts).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
}

const json = (req: Received) => JSON.parse(req.body) as Record<string, unknown>;

describe('every channel kind, delivered by the worker', () => {
  test('slack: text and blocks to the webhook URL', async () => {
    const run = await deliver('slack', '/services/T0/B0/xyz', { status: 200, body: 'ok' });
    expect(run.requests).toHaveLength(1);
    const req = run.requests[0]!;
    expectStandardHeaders(run, req);
    expect(req.url).toBe('/services/T0/B0/xyz');
    const body = json(req);
    expect(body.text).toBe(':red_circle: critical: long_queries pid 4242 = 312\n:white_check_mark: RESOLVED warning: long_queries pid 77 = 95');
    const blocks = body.blocks as Array<{ type: string; text: { type: string; text: string } }>;
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section']);
    expect(blocks[0]!.text).toEqual({ type: 'plain_text', text: HEADLINE });
    expect(blocks[1]!.text.text).toContain('<https://wiki.example.com/runbooks/long-queries|Runbook>');
    expect(run.attempts).toEqual([{ outcome: 'delivered', http_status: 200 }]);
  });

  test('discord: content, one embed per alert, no mentions', async () => {
    const run = await deliver('discord', '/api/webhooks/123456/t0k3n', { status: 204 });
    expect(run.requests).toHaveLength(1);
    const req = run.requests[0]!;
    expectStandardHeaders(run, req);
    expect(req.url).toBe('/api/webhooks/123456/t0k3n');
    const body = json(req);
    expect(body.content).toBe(HEADLINE);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const embeds = body.embeds as Array<{ title: string; color: number; url?: string; timestamp: string }>;
    expect(embeds).toHaveLength(2);
    expect(embeds[0]).toMatchObject({
      title: 'critical: long_queries pid 4242 = 312',
      color: COLORS.critical,
      url: 'https://wiki.example.com/runbooks/long-queries',
      timestamp: '2026-03-10T12:00:00.000Z',
    });
    expect(embeds[1]).toMatchObject({ title: 'RESOLVED warning: long_queries pid 77 = 95', color: COLORS.resolved });
    expect(run.attempts).toEqual([{ outcome: 'delivered', http_status: 204 }]);
  });

  test('pagerduty: Events v2, one event per alert, routing key from the secret, dedup_key the fingerprint', async () => {
    const routingKey = 'R0UT1NGK3Y0123456789abcdefABCDEF';
    const run = await deliver(
      'pagerduty',
      '/v2/enqueue',
      { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: 'x' }) },
      { secretRef: 'env:PD_ROUTING_KEY', env: { PD_ROUTING_KEY: routingKey } },
    );
    expect(run.requests).toHaveLength(2);
    for (const req of run.requests) {
      expectStandardHeaders(run, req);
      expect(req.url).toBe('/v2/enqueue');
    }
    const [trigger, resolve] = run.requests.map(json);
    expect(trigger).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: '3f2c9a0b1d4e5f60',
      client: 'pgvigil',
      payload: {
        summary: 'critical: long_queries pid 4242 = 312',
        source: 'pid 4242',
        severity: 'critical',
        timestamp: '2026-03-10T12:00:00.000Z',
        component: 'long_queries',
        custom_details: { check: 'long_queries', series: 'pid 4242', severity: 'critical', service: 'db', value: 312, detail: { query: 'select …', usename: 'app' } },
      },
      links: [{ href: 'https://wiki.example.com/runbooks/long-queries', text: 'Runbook' }],
    });
    expect(resolve).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: 'aa11bb22cc33dd44' });
    expect(run.attempts).toEqual([{ outcome: 'delivered', http_status: 202 }]);
  });

  test('alertmanager: POST <target>/api/v2/alerts, postable alerts with startsAt (and endsAt once resolved)', async () => {
    const run = await deliver('alertmanager', '', { status: 200 });
    expect(run.requests).toHaveLength(1);
    const req = run.requests[0]!;
    expectStandardHeaders(run, req);
    expect(req.url).toBe('/api/v2/alerts');
    expect(JSON.parse(req.body)).toEqual([
      {
        labels: { check: 'long_queries', series: 'pid 4242', severity: 'critical', service: 'db', alertname: 'long_queries' },
        annotations: {
          summary: 'critical: long_queries pid 4242 = 312',
          runbook_url: 'https://wiki.example.com/runbooks/long-queries',
          description: JSON.stringify({ query: 'select …', usename: 'app' }),
        },
        startsAt: '2026-03-10T12:00:00.000Z',
        generatorURL: 'https://wiki.example.com/runbooks/long-queries',
      },
      {
        labels: { check: 'long_queries', series: 'pid 77', severity: 'warning', service: 'db', alertname: 'long_queries' },
        annotations: { summary: 'warning: long_queries pid 77 = 95' },
        startsAt: '2026-03-10T11:50:00.000Z',
        endsAt: '2026-03-10T11:59:00.000Z',
      },
    ]);
  });

  test('teams: a message with one Adaptive Card 1.4, to the workflow URL with its query', async () => {
    const path = '/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=S1gNaTuRe';
    const run = await deliver('teams', path, { status: 202 });
    expect(run.requests).toHaveLength(1);
    const req = run.requests[0]!;
    expectStandardHeaders(run, req);
    expect(req.url).toBe(path);
    const body = json(req);
    expect(body.type).toBe('message');
    const attachments = body.attachments as Array<{ contentType: string; contentUrl: null; content: Record<string, unknown> }>;
    expect(attachments).toHaveLength(1);
    expect(attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachments[0]!.content;
    expect(card).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' });
    const elements = card.body as Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }>;
    expect(elements[0]).toMatchObject({ type: 'TextBlock', text: HEADLINE, size: 'Large' });
    expect(elements.map((e) => e.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet', 'TextBlock', 'FactSet']);
    expect(elements[2]!.facts).toContainEqual({ title: 'Check', value: 'long_queries' });
    expect(run.attempts).toEqual([{ outcome: 'delivered', http_status: 202 }]);
  });

  test('webhook: the payload as it is, signed; standardwebhooks verifies it with the secret', async () => {
    const secret = 'whsec_' + Buffer.from('a 32 byte signing key for tests!').toString('base64');
    const run = await deliver('webhook', '/hooks/pgvigil', { status: 200 }, { secretRef: 'env:HOOK_SECRET', env: { HOOK_SECRET: secret } });
    expect(run.requests).toHaveLength(1);
    const req = run.requests[0]!;
    expectStandardHeaders(run, req);
    expect(req.url).toBe('/hooks/pgvigil');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    expect(new Webhook(secret).verify(req.body, headers)).toEqual(run.payload);
    // Another key does not verify it.
    const other = 'whsec_' + Buffer.from('some other 32 byte key for tests').toString('base64');
    expect(() => new Webhook(other).verify(req.body, headers)).toThrow();
  });

  test('heartbeats: PagerDuty sends nothing and settles delivered; Alertmanager gets the PgvigilHeartbeat alert', async () => {
    const pd = await deliver('pagerduty', '/v2/enqueue', { status: 202 }, {
      secretRef: 'env:PD_ROUTING_KEY',
      env: { PD_ROUTING_KEY: 'R0UT1NGK3Y' },
      payload: heartbeatPayload('to-pagerduty'),
      rowKind: 'heartbeat',
    });
    expect(pd.requests).toEqual([]);
    expect(pd.attempts).toEqual([{ outcome: 'delivered', http_status: null }]);

    const am = await deliver('alertmanager', '/', { status: 200 }, { payload: heartbeatPayload('to-alertmanager'), rowKind: 'heartbeat' });
    expect(am.requests).toHaveLength(1);
    expect(am.requests[0]!.url).toBe('/api/v2/alerts');
    expect(JSON.parse(am.requests[0]!.body)).toEqual([
      {
        labels: { alertname: 'PgvigilHeartbeat', channel: 'to-alertmanager' },
        annotations: { summary: 'pgvigil heartbeat: notifications are flowing' },
        startsAt: '2026-03-10T12:01:00.000Z',
      },
    ]);
  });
});

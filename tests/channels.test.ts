// The channel formatters and delivery outcomes: pure functions, checked
// against payloads shaped as vigil._notify writes them
// (docs/outbox-payload.md) and against each receiver's limits.
import { Webhook } from 'standardwebhooks';
import { describe, expect, test } from 'vitest';
import { classify, format, FormatError, noResponse, parseRetryAfter } from '../src/channels/index.js';
import type { ChannelKind, Delivery, HttpRequest, Payload } from '../src/channels/index.js';
import { alertsUrl } from '../src/channels/alertmanager.js';
import { COLORS, embedLength, MAX_EMBED_TOTAL } from '../src/channels/discord.js';
import { alert, alertsPayload, RESOLVED_ALERT as resolvedAlert } from './helpers/payload.js';

const NOW = new Date('2026-03-10T12:01:05Z');
const SECRET = 'whsec_' + Buffer.from('a 32 byte signing key for tests!').toString('base64');

const firing: Payload = alertsPayload('db', [alert(), resolvedAlert]);

const escalation: Payload = {
  version: 1,
  kind: 'escalation',
  route: 'critical',
  channel: 'pager',
  policy: 'db',
  step: 2,
  loop: 1,
  status: 'firing',
  sentAt: '2026-03-10T12:01:00+00:00',
  groupKey: '{"check": "long_queries"}',
  groupLabels: { check: 'long_queries' },
  alerts: [alert()],
};

const heartbeat: Payload = {
  version: 1,
  kind: 'heartbeat',
  channel: 'db',
  sentAt: '2026-03-10T12:01:00+00:00',
  status: 'firing',
  alerts: [],
  summary: 'pgvigil heartbeat: notifications are flowing',
};

function many(n: number): Payload {
  const alerts = Array.from({ length: n }, (_, i) => alert({ alertId: i, fingerprint: i.toString(16).padStart(16, '0'), series: `pid ${i}` }));
  return { ...firing, alerts };
}

function delivery(kind: ChannelKind, payload: Payload, over: Partial<Delivery> = {}): Delivery {
  return {
    id: '7',
    channel: 'db',
    kind,
    idempotencyKey: 'alerts:everything:abc:2026-03-10T12:01:00Z',
    payload,
    target: `https://${kind}.example.com/hook`,
    secret: null,
    ...over,
  };
}

function one(kind: ChannelKind, payload: Payload, over: Partial<Delivery> = {}): { req: HttpRequest; body: Record<string, unknown> } {
  const reqs = format(delivery(kind, payload, over), NOW, 'pgvigil/test');
  expect(reqs).toHaveLength(1);
  return { req: reqs[0]!, body: JSON.parse(reqs[0]!.body) as Record<string, unknown> };
}

describe('every request', () => {
  test.each<ChannelKind>(['slack', 'discord', 'alertmanager', 'teams', 'webhook'])('%s: POST, JSON, user agent, webhook-id and timestamp', (kind) => {
    const { req } = one(kind, firing);
    expect(req.method).toBe('POST');
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'pgvigil/test',
      'webhook-id': 'alerts:everything:abc:2026-03-10T12:01:00Z',
      'webhook-timestamp': String(NOW.getTime() / 1000),
    });
    expect(req.headers).not.toHaveProperty('idempotency-key');
  });

  test('the default user agent is pgvigil/<package version>', () => {
    const [req] = format(delivery('slack', firing), NOW);
    expect(req!.headers['user-agent']).toMatch(/^pgvigil\/\d+\.\d+\.\d+/);
  });
});

describe('slack', () => {
  test('text has a line per alert; blocks a header and a section per alert, runbook linked, resolved marked', () => {
    const { req, body } = one('slack', firing);
    expect(req.url).toBe('https://slack.example.com/hook');
    expect(body.text).toBe(':red_circle: critical: long_queries pid 4242 = 312\n:white_check_mark: RESOLVED warning: long_queries pid 77 = 95');
    expect(body.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: '[FIRING] long_queries (1 firing, 1 resolved)' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':red_circle: *critical: long_queries pid 4242 = 312*\nfiring since 2026-03-10T12:00:00+00:00\n<https://wiki.example.com/runbooks/long-queries|Runbook>',
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: ':white_check_mark: *RESOLVED warning: long_queries pid 77 = 95*\nresolved at 2026-03-10T11:59:00+00:00' },
      },
    ]);
  });

  test('60 alerts: 50 blocks, the last says how many were left out', () => {
    const { body } = one('slack', many(60));
    const blocks = body.blocks as Array<{ type: string; elements?: Array<{ text: string }> }>;
    expect(blocks).toHaveLength(50);
    expect(blocks.filter((b) => b.type === 'section')).toHaveLength(48);
    expect(blocks[49]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'and 12 more' }] });
    expect((body.text as string).split('\n')).toHaveLength(21);
  });

  test('49 alerts fit exactly', () => {
    const blocks = one('slack', many(49)).body.blocks as unknown[];
    expect(blocks).toHaveLength(50);
    expect(blocks.at(-1)).toMatchObject({ type: 'section' });
  });

  test('mrkdwn control characters are escaped, so an alert cannot mention @channel', () => {
    const { body } = one('slack', { ...firing, alerts: [alert({ summary: 'critical: x <!channel> & y', runbook: 'javascript:alert(1)' })] });
    expect(body.text).toBe(':red_circle: critical: x &lt;!channel&gt; &amp; y');
    expect(JSON.stringify(body.blocks)).not.toContain('Runbook');
  });

  test('escalation and heartbeat', () => {
    const esc = one('slack', escalation).body;
    expect((esc.blocks as Array<{ text: { text: string } }>)[0]!.text.text).toBe('[ESCALATION] db step 2, repeat 1: long_queries (1 firing)');
    const hb = one('slack', heartbeat).body;
    expect(hb).toEqual({ text: 'pgvigil heartbeat: notifications are flowing', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'pgvigil heartbeat: notifications are flowing' } }] });
  });
});

describe('discord', () => {
  test('content and one embed per alert coloured by severity, fields, runbook url, timestamp', () => {
    const { body } = one('discord', firing);
    expect(body.content).toBe('[FIRING] long_queries (1 firing, 1 resolved)');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const [fire, resolved] = body.embeds as Array<Record<string, unknown>>;
    expect(fire).toEqual({
      title: 'critical: long_queries pid 4242 = 312',
      description: 'firing since 2026-03-10T12:00:00+00:00\n{"query":"select …","usename":"app"}',
      color: COLORS.critical,
      url: 'https://wiki.example.com/runbooks/long-queries',
      timestamp: '2026-03-10T12:00:00.000Z',
      fields: [
        { name: 'check', value: 'long_queries', inline: true },
        { name: 'series', value: 'pid 4242', inline: true },
        { name: 'value', value: '312', inline: true },
      ],
    });
    expect(resolved).toMatchObject({ color: COLORS.resolved, title: 'RESOLVED warning: long_queries pid 77 = 95' });
    expect(resolved).not.toHaveProperty('url');
  });

  test('colours: warning and info', () => {
    const { body } = one('discord', { ...firing, alerts: [alert({ severity: 'warning' }), alert({ severity: 'info' })] });
    expect((body.embeds as Array<{ color: number }>).map((e) => e.color)).toEqual([COLORS.warning, COLORS.info]);
  });

  test('at most 10 embeds, and content says how many are shown', () => {
    const { body } = one('discord', many(60));
    expect(body.embeds).toHaveLength(10);
    expect(body.content).toBe('[FIRING] long_queries (60 firing) (showing 10 of 60)');
  });

  test('long text: title cut to 256, and embeds stop at 6000 characters in total', () => {
    const long = 'x'.repeat(5000);
    const payload = { ...many(10), alerts: many(10).alerts.map((a) => ({ ...a, summary: long, series: long, detail: { q: long } })) };
    const { body } = one('discord', payload);
    const embeds = body.embeds as Parameters<typeof embedLength>[0][];
    expect(embeds.length).toBeLessThan(10);
    expect(embeds.every((e) => e.title.length <= 256 && e.description.length <= 4096)).toBe(true);
    expect(embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(MAX_EMBED_TOTAL);
    expect(body.content).toContain(`(showing ${embeds.length} of 10)`);
  });

  test('heartbeat: content only', () => {
    expect(one('discord', heartbeat).body).toEqual({ content: 'pgvigil heartbeat: notifications are flowing', embeds: [], allowed_mentions: { parse: [] } });
  });
});

describe('pagerduty', () => {
  const pd = (payload: Payload, secret: string | null = 'R0UTINGKEY') =>
    format(delivery('pagerduty', payload, { secret, target: 'https://events.pagerduty.com/v2/enqueue' }), NOW, 'pgvigil/test');

  test('one event per alert: trigger for firing, resolve for resolved, dedup_key the fingerprint', () => {
    const reqs = pd(firing);
    expect(reqs).toHaveLength(2);
    expect(reqs.every((r) => r.url === 'https://events.pagerduty.com/v2/enqueue')).toBe(true);
    const [trigger, resolve] = reqs.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(trigger).toEqual({
      routing_key: 'R0UTINGKEY',
      event_action: 'trigger',
      dedup_key: '3f2c9a0b1d4e5f60',
      client: 'pgvigil',
      payload: {
        summary: 'critical: long_queries pid 4242 = 312',
        source: 'pid 4242',
        severity: 'critical',
        timestamp: '2026-03-10T12:00:00.000Z',
        component: 'long_queries',
        custom_details: {
          check: 'long_queries',
          series: 'pid 4242',
          severity: 'critical',
          service: 'db',
          value: 312,
          detail: { query: 'select …', usename: 'app' },
        },
      },
      links: [{ href: 'https://wiki.example.com/runbooks/long-queries', text: 'Runbook' }],
    });
    expect(resolve).toEqual({ routing_key: 'R0UTINGKEY', event_action: 'resolve', dedup_key: 'aa11bb22cc33dd44' });
  });

  test('severity is mapped; source falls back to the check; summary is cut to 1024', () => {
    const alerts = (['critical', 'warning', 'info'] as const).map((severity) => alert({ severity, series: '', summary: 's'.repeat(2000) }));
    const events = pd({ ...firing, alerts }).map((r) => JSON.parse(r.body) as { payload: { severity: string; source: string; summary: string } });
    expect(events.map((e) => e.payload.severity)).toEqual(['critical', 'warning', 'info']);
    expect(events.map((e) => e.payload.source)).toEqual(['long_queries', 'long_queries', 'long_queries']);
    expect(events.every((e) => e.payload.summary.length === 1024)).toBe(true);
  });

  test('an escalation triggers; a heartbeat sends nothing', () => {
    expect(pd(escalation).map((r) => (JSON.parse(r.body) as { event_action: string }).event_action)).toEqual(['trigger']);
    expect(pd(heartbeat)).toEqual([]);
  });

  test('the routing key is required', () => {
    expect(() => pd(firing, null)).toThrow(FormatError);
    expect(() => pd(firing, null)).toThrow(/channel db: a PagerDuty channel needs its routing key as the secret/);
  });
});

describe('alertmanager', () => {
  test('the path is appended once', () => {
    expect(alertsUrl('http://am:9093')).toBe('http://am:9093/api/v2/alerts');
    expect(alertsUrl('http://am:9093/')).toBe('http://am:9093/api/v2/alerts');
    expect(alertsUrl('http://am:9093/api/v2/alerts')).toBe('http://am:9093/api/v2/alerts');
    expect(alertsUrl('https://proxy/am/api/v2/alerts/')).toBe('https://proxy/am/api/v2/alerts');
  });

  test('postable alerts: labels with alertname, annotations, endsAt only when resolved', () => {
    const { req, body } = one('alertmanager', firing, { target: 'http://am:9093' });
    expect(req.url).toBe('http://am:9093/api/v2/alerts');
    expect(body).toEqual([
      {
        labels: { check: 'long_queries', series: 'pid 4242', severity: 'critical', service: 'db', alertname: 'long_queries' },
        annotations: {
          summary: 'critical: long_queries pid 4242 = 312',
          runbook_url: 'https://wiki.example.com/runbooks/long-queries',
          description: '{"query":"select …","usename":"app"}',
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

  test('heartbeat: an always-firing alert without endsAt (a dead man\'s switch)', () => {
    expect(one('alertmanager', heartbeat).body).toEqual([
      {
        labels: { alertname: 'PgvigilHeartbeat', channel: 'db' },
        annotations: { summary: 'pgvigil heartbeat: notifications are flowing' },
        startsAt: '2026-03-10T12:01:00.000Z',
      },
    ]);
  });
});

describe('teams', () => {
  test('a message with one Adaptive Card 1.4: a title, then per alert a line and a FactSet', () => {
    const { body } = one('teams', firing);
    expect(body.type).toBe('message');
    const attachments = body.attachments as Array<{ contentType: string; content: Record<string, unknown> }>;
    expect(attachments).toHaveLength(1);
    expect(attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachments[0]!.content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
    const elements = card.body as Array<Record<string, unknown>>;
    expect(elements.map((e) => e.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet', 'TextBlock', 'FactSet']);
    expect(elements[0]).toMatchObject({ text: '[FIRING] long_queries (1 firing, 1 resolved)', weight: 'Bolder', size: 'Large' });
    expect(elements[1]).toMatchObject({ text: 'critical: long_queries pid 4242 = 312', color: 'Attention' });
    expect(elements[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Check', value: 'long_queries' },
        { title: 'Series', value: 'pid 4242' },
        { title: 'Value', value: '312' },
        { title: 'State', value: 'firing since 2026-03-10T12:00:00+00:00' },
        { title: 'Runbook', value: '[https://wiki.example.com/runbooks/long-queries](https://wiki.example.com/runbooks/long-queries)' },
      ],
    });
    expect(elements[3]).toMatchObject({ text: 'RESOLVED warning: long_queries pid 77 = 95', color: 'Good' });
  });

  test('many alerts are capped at 20 with a closing line; a heartbeat is its title', () => {
    const card = (p: Payload) => (one('teams', p).body.attachments as Array<{ content: { body: Array<{ type: string; text?: string }> } }>)[0]!.content.body;
    const big = card(many(60));
    expect(big.filter((e) => e.type === 'FactSet')).toHaveLength(20);
    expect(big.at(-1)).toMatchObject({ type: 'TextBlock', text: 'and 40 more' });
    expect(card(heartbeat)).toEqual([{ type: 'TextBlock', text: 'pgvigil heartbeat: notifications are flowing', wrap: true, weight: 'Bolder', size: 'Large' }]);
  });
});

describe('webhook', () => {
  test('the payload as it is, signed per Standard Webhooks; the signature verifies and breaks when the body changes', () => {
    const now = new Date(); // verify() checks the timestamp against the real clock
    const [req] = format(delivery('webhook', firing, { secret: SECRET }), now, 'pgvigil/test');
    expect(JSON.parse(req!.body)).toEqual(firing);
    expect(req!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(req!.headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    const receiver = new Webhook(SECRET);
    expect(receiver.verify(req!.body, req!.headers)).toEqual(firing);
    expect(() => receiver.verify(req!.body.replace('312', '313'), req!.headers)).toThrow(/No matching signature/);
    expect(() => receiver.verify(req!.body, { ...req!.headers, 'webhook-id': 'other' })).toThrow(/No matching signature/);
  });

  test('a bare base64 secret works the same as whsec_', () => {
    const now = new Date();
    const bare = SECRET.slice('whsec_'.length);
    const [req] = format(delivery('webhook', heartbeat, { secret: bare }), now, 'pgvigil/test');
    expect(new Webhook(SECRET).verify(req!.body, req!.headers)).toEqual(heartbeat);
  });

  test('without a secret: unsigned, still with webhook-id and webhook-timestamp', () => {
    const { req } = one('webhook', escalation);
    expect(req.headers).not.toHaveProperty('webhook-signature');
    expect(req.headers['webhook-id']).toBeTruthy();
    expect(req.headers['webhook-timestamp']).toBe('1773144065');
  });

  test('a secret that is not base64 is a FormatError', () => {
    expect(() => format(delivery('webhook', firing, { secret: 'not base64!' }), NOW)).toThrow(FormatError);
  });
});

describe('classify', () => {
  const date = (ms: number) => new Date(NOW.getTime() + ms).toUTCString();
  test.each<[ChannelKind, number, Record<string, string>, string, object]>([
    ['slack', 200, {}, 'ok', { outcome: 'delivered' }],
    ['pagerduty', 202, {}, '', { outcome: 'delivered' }],
    ['discord', 204, {}, '', { outcome: 'delivered' }],
    ['webhook', 408, {}, '', { outcome: 'retry', retryAfterMs: undefined }],
    ['webhook', 429, { 'Retry-After': '120' }, '', { outcome: 'retry', retryAfterMs: 120_000 }],
    ['slack', 429, { 'retry-after': ' 30 ' }, '', { outcome: 'retry', retryAfterMs: 30_000 }],
    ['webhook', 503, { 'retry-after': date(90_000) }, '', { outcome: 'retry', retryAfterMs: 90_000 }],
    ['webhook', 503, { 'retry-after': date(-5_000) }, '', { outcome: 'retry', retryAfterMs: 0 }],
    ['webhook', 503, { 'retry-after': 'soon' }, '', { outcome: 'retry', retryAfterMs: undefined }],
    ['webhook', 500, {}, 'boom', { outcome: 'retry', retryAfterMs: undefined }],
    ['webhook', 599, {}, '', { outcome: 'retry' }],
    ['discord', 429, { 'retry-after': '2' }, '{"message":"You are being rate limited.","retry_after":1.5,"global":false}', { outcome: 'retry', retryAfterMs: 1500 }],
    ['discord', 429, { 'retry-after': '2' }, 'not json', { outcome: 'retry', retryAfterMs: 2000 }],
    ['webhook', 410, {}, '', { outcome: 'dead', disableChannel: true }],
    ['slack', 410, {}, 'no_service', { outcome: 'dead', disableChannel: true }],
    ['slack', 404, {}, 'no_service', { outcome: 'dead', disableChannel: undefined }],
    ['slack', 403, {}, 'action_prohibited', { outcome: 'dead' }],
    ['discord', 404, {}, '{"message": "Unknown Webhook"}', { outcome: 'dead' }],
    ['pagerduty', 400, {}, '{"status":"invalid event"}', { outcome: 'dead' }],
    ['alertmanager', 400, {}, 'bad', { outcome: 'dead' }],
    ['teams', 401, {}, '', { outcome: 'dead' }],
    ['webhook', 301, { location: 'https://elsewhere' }, '', { outcome: 'dead' }],
  ])('%s %i %j', (kind, status, headers, body, expected) => {
    const got = classify(kind, status, headers, body, NOW);
    const entries = Object.entries(expected);
    expect(got).toMatchObject(Object.fromEntries(entries.filter(([, v]) => v !== undefined)));
    for (const [k, v] of entries) if (v === undefined) expect(got).not.toHaveProperty(k);
    expect(got.reason).toMatch(new RegExp(`^HTTP ${status}`));
  });

  test('reasons name the cause', () => {
    expect(classify('slack', 404, {}, '', NOW).reason).toBe('HTTP 404: the Slack webhook was revoked or its channel archived');
    expect(classify('discord', 404, {}, '', NOW).reason).toBe('HTTP 404: the Discord webhook was deleted');
    expect(classify('pagerduty', 400, {}, '', NOW).reason).toBe('HTTP 400: PagerDuty rejected the event (check the routing key)');
    expect(classify('webhook', 429, { 'retry-after': '3' }, '', NOW).reason).toBe('HTTP 429, retry after 3000 ms');
  });

  test('fetch Headers and array-valued node headers are read too', () => {
    expect(classify('webhook', 429, new Headers({ 'Retry-After': '7' }), '', NOW).retryAfterMs).toBe(7000);
    expect(classify('webhook', 429, { 'retry-after': ['8', '9'] }, '', NOW).retryAfterMs).toBe(8000);
  });

  test('parseRetryAfter', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('Tue, 10 Mar 2026 12:02:05 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('-3', NOW)).toBeUndefined();
  });

  test('no response (timeout, connection error) is retried', () => {
    expect(noResponse(new Error('connect ECONNREFUSED 127.0.0.1:9'))).toEqual({ outcome: 'retry', reason: 'no response: connect ECONNREFUSED 127.0.0.1:9' });
    expect(noResponse('timeout after 15000 ms')).toEqual({ outcome: 'retry', reason: 'no response: timeout after 15000 ms' });
  });
});

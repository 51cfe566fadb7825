// Per-channel protection for the worker: the SSRF guard and the guarded HTTP
// attempt (against a real server on loopback), the token bucket and the
// circuit breaker (with a fake clock, so every wait is exact).
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CircuitBreaker } from '../src/protect/breaker.js';
import { bucketFor, channelRate, TokenBucket } from '../src/protect/rateLimit.js';
import { destroyAgents, guardedLookup, httpRequest, isForbiddenAddress, SsrfError } from '../src/protect/ssrf.js';

describe('isForbiddenAddress', () => {
  test.each([
    // IPv4, with the first and last address of each range.
    ['127.0.0.1', 'loopback'],
    ['127.255.255.255', 'loopback'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['192.168.255.255', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.0', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6.
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique local (IPv6)'],
    ['fdff:ffff::1', 'unique local (IPv6)'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['ff02::1', 'multicast'],
    // IPv4 inside IPv6: judged as the IPv4 address it reaches.
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'IPv4-mapped private'],
    ['::ffff:192.168.1.1', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['64:ff9b::127.0.0.1', 'NAT64 loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 link-local'],
    ['not-an-ip', 'not an IP address'],
  ])('%s is %s', (ip, reason) => {
    expect(isForbiddenAddress(ip)).toBe(reason);
  });

  test.each([
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '9.255.255.255',
    '11.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '1.0.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '223.255.255.255',
    '8.8.8.8',
    '2001:4860:4860::8888',
    '2606:4700:4700::1111',
    'fbff:ffff::1',
    'fec0::1',
    'fe7f::1',
    '::2',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '64:ff9b:1::7f00:1',
  ])('%s is public', (ip) => {
    expect(isForbiddenAddress(ip)).toBeNull();
  });
});

function lookup(allowPrivate: boolean, host: string, all: boolean): Promise<string | LookupAddress[]> {
  return new Promise((resolve, reject) => {
    guardedLookup(allowPrivate)(host, { all }, (err, address) => (err ? reject(err) : resolve(address)));
  });
}

describe('guardedLookup', () => {
  test('a name that resolves to loopback is refused with ESSRF, naming host, address and reason', async () => {
    const err = await lookup(false, 'localhost', false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsrfError);
    expect(err).toMatchObject({ code: 'ESSRF', host: 'localhost', reason: 'loopback' });
    expect((err as Error).message).toMatch(/localhost: (127\.0\.0\.1|::1) is loopback/);
    await expect(lookup(false, 'localhost', true)).rejects.toMatchObject({ code: 'ESSRF' });
  });

  test('allowPrivate lets it through, as one address or all of them', async () => {
    const one = await lookup(true, 'localhost', false);
    expect(typeof one === 'string' && isForbiddenAddress(one)).toBe('loopback');
    const all = await lookup(true, 'localhost', true);
    expect(Array.isArray(all) && all.length > 0 && all.every((a) => isForbiddenAddress(a.address) === 'loopback')).toBe(true);
  });

  test('IP literals go through the same check', async () => {
    await expect(lookup(false, '127.0.0.1', false)).rejects.toMatchObject({ code: 'ESSRF', address: '127.0.0.1' });
    await expect(lookup(false, '::ffff:10.0.0.1', false)).rejects.toMatchObject({ code: 'ESSRF', reason: 'IPv4-mapped private' });
    expect(await lookup(false, '8.8.8.8', false)).toBe('8.8.8.8');
  });
});

describe('httpRequest', () => {
  let server: http.Server;
  let base: string;
  let connections = 0;
  const received: Array<{ method: string; url: string; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', body });
        if (req.url === '/ok') res.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${body}`);
        else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end('moved');
        else if (req.url === '/big') res.writeHead(200).end('x'.repeat(200 * 1024));
        else if (req.url === '/trickle') res.writeHead(200).write('partial'); // and never ends
        // '/hang': never answers.
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    destroyAgents();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('a 200 comes back with status, headers, body and latency', async () => {
    const res = await httpRequest({ url: `${base}/ok`, method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ping' }, { allowPrivate: true });
    expect(res).toMatchObject({ status: 200, bodyText: 'got ping' });
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.latencyMs).toBeGreaterThan(0);
  });

  test('a 302 is returned as is, not followed', async () => {
    const before = received.length;
    const res = await httpRequest({ url: `${base}/redirect`, method: 'POST', body: '{}' }, { allowPrivate: true });
    expect(res).toMatchObject({ status: 302, bodyText: 'moved' });
    expect(res.headers.location).toBe('/ok');
    expect(received.slice(before).map((r) => r.url)).toEqual(['/redirect']);
  });

  test('the body is cut at 64 KiB', async () => {
    const res = await httpRequest({ url: `${base}/big`, method: 'GET' }, { allowPrivate: true });
    expect(res.status).toBe(200);
    expect(res.bodyText.length).toBe(64 * 1024);
  });

  test('a server that never answers: ETIMEDOUT after timeoutMs', async () => {
    const started = performance.now();
    const err = await httpRequest({ url: `${base}/hang`, body: 'x' }, { allowPrivate: true, timeoutMs: 200 }).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(err).toMatchObject({ code: 'ETIMEDOUT' });
    expect(took).toBeGreaterThanOrEqual(199); // timers may fire up to 1 ms early by rounding
    expect(took).toBeLessThan(5_000);
  });

  test('a body that never ends: ETIMEDOUT too (the timeout covers the whole attempt)', async () => {
    await expect(httpRequest({ url: `${base}/trickle`, method: 'GET' }, { allowPrivate: true, timeoutMs: 200 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  test('without allowPrivate, loopback is refused before any connection, by literal or by name', async () => {
    const before = connections;
    const port = new URL(base).port;
    for (const url of [`${base}/ok`, `http://localhost:${port}/ok`, `http://[::ffff:127.0.0.1]:${port}/ok`]) {
      await expect(httpRequest({ url, body: 'x' }, { allowPrivate: false })).rejects.toMatchObject({ code: 'ESSRF' });
    }
    expect(connections).toBe(before);
  });

  test('only http and https', async () => {
    await expect(httpRequest({ url: 'file:///etc/passwd' }, { allowPrivate: true })).rejects.toThrow(/unsupported protocol file:/);
  });
});

describe('TokenBucket', () => {
  test('takes the burst at once, then paces at the rate, with exact waits', () => {
    let now = 1_000;
    const bucket = new TokenBucket(2, 2, () => now);
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBe(500);
    now += 200;
    expect(bucket.take()).toBe(300);
    now += 300;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(500);
    // A long idle refills to the burst, not beyond.
    now += 60_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 500]);
  });

  test('a caller that waits the returned time always gets a token (waits round up)', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 1, () => now);
    const sentAt: number[] = [];
    while (sentAt.length < 4) {
      const wait = bucket.take();
      if (wait === 0) sentAt.push(now);
      else {
        now += wait;
        expect(bucket.take()).toBe(0);
        sentAt.push(now);
      }
    }
    // 1000/3 ms rounded up each time: never early, at most 1 ms late per send.
    expect(sentAt).toEqual([0, 334, 668, 1002]);
  });

  test('reserve: queued senders are spaced 1/rate apart in order, and a wait past the limit reserves nothing', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 1, () => now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 500, 1000]);
    // The fourth would wait 1.5 s: refused, and the refusal costs nothing.
    expect(bucket.wouldWait()).toBe(1_500);
    expect(bucket.reserve(1, 1_000)).toBeNull();
    expect(bucket.wouldWait()).toBe(1_500);
    now += 1_000;
    expect(bucket.reserve(1, 1_000)).toBe(500);
    // Several tokens at once (PagerDuty: one event per alert) wait for the last.
    now += 10_000;
    expect(bucket.reserve(3)).toBe(1_000);
    expect(bucketFor('webhook', null, () => now).reserve(1_000, 0)).toBe(0);
  });

  test('channel rates: kind defaults, rate_limit_per_minute overrides, webhooks unlimited', () => {
    expect(channelRate('slack', null)).toBe(1);
    expect(channelRate('pagerduty', undefined)).toBe(2);
    expect(channelRate('teams', null)).toBe(4);
    expect(channelRate('discord', null)).toBe(2);
    expect(channelRate('slack', 120)).toBe(2);
    expect(channelRate('webhook', null)).toBe(Infinity);
    const now = 0;
    const webhook = bucketFor('webhook', null, () => now);
    expect(Array.from({ length: 1000 }, () => webhook.take()).every((w) => w === 0)).toBe(true);
    const slack = bucketFor('slack', 30, () => now);
    expect([slack.take(), slack.take()]).toEqual([0, 2_000]);
  });

  test('refuses a rate or burst that cannot work', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});

describe('CircuitBreaker', () => {
  function breaker() {
    const clock = { now: 0 };
    return { clock, b: new CircuitBreaker({ clock: () => clock.now }) };
  }

  test('stays closed below 10 attempts, even if all fail', () => {
    const { b } = breaker();
    for (let i = 0; i < 9; i++) b.record(false);
    expect(b.state).toBe('closed');
    expect(b.canSend()).toBe(true);
    b.record(false);
    expect(b.state).toBe('open');
  });

  test('opens at 70% failures over the rolling window of 20, not at 65%', () => {
    const { b } = breaker();
    for (let i = 0; i < 7; i++) b.record(true);
    for (let i = 0; i < 13; i++) b.record(false); // 13/20 = 65%
    expect(b.state).toBe('closed');
    b.record(false); // the oldest success drops out: 14/20 = 70%
    expect(b.state).toBe('open');
    expect(b.canSend()).toBe(false);
  });

  test('open → half-open after 30 s; one trial; success closes with a fresh window', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 10; i++) b.record(false);
    clock.now = 29_999;
    expect(b.canSend()).toBe(false);
    expect(b.state).toBe('open');
    clock.now = 30_000;
    expect(b.state).toBe('half-open');
    expect(b.canSend()).toBe(true);
    expect(b.canSend()).toBe(false); // only one trial
    b.record(true);
    expect(b.state).toBe('closed');
    for (let i = 0; i < 9; i++) b.record(false); // the old failures are forgotten
    expect(b.state).toBe('closed');
  });

  test('a failed trial opens it again and restarts the timer', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 10; i++) b.record(false);
    clock.now = 30_000;
    expect(b.canSend()).toBe(true);
    clock.now = 31_000;
    b.record(false);
    expect(b.state).toBe('open');
    clock.now = 60_999;
    expect(b.canSend()).toBe(false);
    clock.now = 61_000;
    expect(b.canSend()).toBe(true);
  });

  test('outcomes of sends from before it opened change nothing; a lost trial is given up after the timeout', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 10; i++) b.record(false);
    b.record(true); // a straggler while open
    expect(b.state).toBe('open');
    clock.now = 30_000;
    b.record(true); // a straggler in half-open, before any trial
    expect(b.state).toBe('half-open');
    expect(b.canSend()).toBe(true); // the trial, never recorded
    clock.now = 59_999;
    expect(b.canSend()).toBe(false);
    clock.now = 60_000;
    expect(b.canSend()).toBe(true);
  });
});

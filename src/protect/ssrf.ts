// The SSRF guard (DESIGN.md, "Roles and security"): the worker refuses to dial
// loopback, private, link-local and other non-public addresses unless the
// channel (allow_private) or the operator (--allow-private) allows them. It
// judges the address actually dialled, after DNS, so a public-looking name
// that resolves to 127.0.0.1 (or rebinds to it) is refused as well.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

function blockList(ranges: Array<[string, number]>): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of ranges) list.addSubnet(net, prefix, isIP(net) === 6 ? 'ipv6' : 'ipv4');
  return list;
}

// Checked in order: broadcast sits inside 240/4, so it comes first.
const V4: Array<[string, BlockList]> = [
  ['unspecified', blockList([['0.0.0.0', 8]])],
  ['loopback', blockList([['127.0.0.0', 8]])],
  ['private', blockList([['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]])],
  ['link-local', blockList([['169.254.0.0', 16]])],
  ['CGNAT', blockList([['100.64.0.0', 10]])],
  ['multicast', blockList([['224.0.0.0', 4]])],
  ['broadcast', blockList([['255.255.255.255', 32]])],
  ['reserved', blockList([['240.0.0.0', 4]])],
];

const V6: Array<[string, BlockList]> = [
  ['unspecified', blockList([['::', 128]])],
  ['loopback', blockList([['::1', 128]])],
  ['unique local (IPv6)', blockList([['fc00::', 7]])],
  ['link-local', blockList([['fe80::', 10]])],
  ['multicast', blockList([['ff00::', 8]])],
];

// Prefixes whose last 32 bits are an IPv4 address that the packet really
// reaches: ::ffff:a.b.c.d on a dual-stack socket, 64:ff9b::/96 through NAT64.
const EMBEDDING_V4: Array<[string, BlockList]> = [
  ['IPv4-mapped', blockList([['::ffff:0:0', 96]])],
  ['NAT64', blockList([['64:ff9b::', 96]])],
];

/** The 8 groups of a valid IPv6 address (any spelling: '::', dotted tail). */
function hextets(ip: string): number[] {
  let s = ip;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return all.map((g) => parseInt(g, 16));
}

function judge(lists: Array<[string, BlockList]>, ip: string, type: 'ipv4' | 'ipv6'): string | null {
  for (const [reason, list] of lists) if (list.check(ip, type)) return reason;
  return null;
}

/** Why ip may not be dialled ('loopback', 'private', 'IPv4-mapped private', ...), or null if it is public. Not an IP at all: 'not an IP address'. */
export function isForbiddenAddress(ip: string): string | null {
  const address = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // URL brackets, zone id
  const family = isIP(address);
  if (family === 4) return judge(V4, address, 'ipv4');
  if (family !== 6) return 'not an IP address';
  for (const [kind, list] of EMBEDDING_V4) {
    if (!list.check(address, 'ipv6')) continue;
    const [g6 = 0, g7 = 0] = hextets(address).slice(6);
    const inner = judge(V4, `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`, 'ipv4');
    return inner === null ? null : `${kind} ${inner}`;
  }
  return judge(V6, address, 'ipv6');
}

/** Refusal to dial a forbidden address; code 'ESSRF' so callers can treat it as a permanent error. */
export class SsrfError extends Error {
  readonly code = 'ESSRF';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused to connect to ${host}: ${address} is ${reason} (allow with the channel's allow_private or --allow-private)`);
    this.name = 'SsrfError';
  }
}

/** Throws SsrfError if host is an IP literal that may not be dialled; names pass (guardedLookup judges them). */
export function checkLiteralHost(host: string, allowPrivate: boolean): void {
  const address = host.replace(/^\[(.*)\]$/, '$1');
  if (allowPrivate || isIP(address) === 0) return;
  const reason = isForbiddenAddress(address);
  if (reason !== null) throw new SsrfError(host, address, reason);
}

/**
 * A dns.lookup for the `lookup` option of http(s).request or an undici
 * Agent's connect options: it resolves every address of the name and refuses
 * the name if any of them is forbidden (one bad record is enough for a
 * rebinding attack). Note that net.connect skips `lookup` for IP literals, so
 * callers must also run checkLiteralHost on the URL's host (httpRequest does).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, options.all ? [] : '');
      if (!allowPrivate) {
        for (const { address } of addresses) {
          const reason = isForbiddenAddress(address);
          if (reason !== null) return callback(new SsrfError(hostname, address, reason), options.all ? [] : '');
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Keep-alive agents, one per protocol and policy: a socket opened for an
 * allow_private channel must never be reused by a channel without it (an
 * agent's pool is keyed by host and port, not by lookup function). The worker
 * destroys them on shutdown with destroyAgents().
 */
export const agents = {
  http: { guarded: new http.Agent({ keepAlive: true }), private: new http.Agent({ keepAlive: true }) },
  https: { guarded: new https.Agent({ keepAlive: true }), private: new https.Agent({ keepAlive: true }) },
};

export function destroyAgents(): void {
  for (const byPolicy of [agents.http, agents.https]) {
    byPolicy.guarded.destroy();
    byPolicy.private.destroy();
  }
}

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface HttpOptions {
  /** The whole attempt: connect, response and body (issue 6: 15 s). */
  timeoutMs?: number;
  allowPrivate: boolean;
  agent?: http.Agent;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The first BODY_LIMIT bytes, as UTF-8: enough for the attempt's excerpt and a Retry-After body. */
  bodyText: string;
  latencyMs: number;
}

export const BODY_LIMIT = 64 * 1024;

/**
 * One delivery attempt. Redirects are not followed (a 3xx is returned like
 * any other status: following one would let a receiver point us anywhere).
 * Rejects with code 'ETIMEDOUT' after timeoutMs, 'ESSRF' for a forbidden
 * address, or the socket's own error code.
 */
export function httpRequest(req: HttpRequest, opts: HttpOptions): Promise<HttpResponse> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
      checkLiteralHost(url.hostname, opts.allowPrivate);
    } catch (e) {
      return reject(e);
    }
    const transport = url.protocol === 'https:' ? https : http;
    const pool = url.protocol === 'https:' ? agents.https : agents.http;
    const request = transport.request(url, {
      method: req.method ?? 'POST',
      headers: req.headers,
      agent: opts.agent ?? (opts.allowPrivate ? pool.private : pool.guarded),
      lookup: guardedLookup(opts.allowPrivate),
    });
    const timer = setTimeout(() => {
      request.destroy(Object.assign(new Error(`no complete response from ${url.host} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    request.on('error', fail);
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        clearTimeout(timer);
        const bodyText = Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bodyText, latencyMs: performance.now() - started });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // Enough for the excerpt: stop reading rather than let a receiver stream forever.
        if (size >= BODY_LIMIT) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', fail);
    });
    request.end(req.body);
  });
}

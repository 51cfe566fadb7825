// Helpers every formatter shares: the request headers, headlines and lines of
// text, and cutting text to a receiver's limits.
import type { Delivery, FormatContext, HttpRequest, Payload, PayloadAlert } from './types.js';

/**
 * The headers of every request. `webhook-id` (the idempotency key) and
 * `webhook-timestamp` follow Standard Webhooks for every kind, so that any
 * receiver can deduplicate. There is no `Idempotency-Key` header: under the
 * IETF draft a receiver may reject a key reused with another body, and a
 * PagerDuty delivery sends one request per alert under the same key.
 */
export function baseHeaders(delivery: Delivery, ctx: FormatContext): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': ctx.userAgent,
    'webhook-id': delivery.idempotencyKey,
    'webhook-timestamp': String(Math.floor(ctx.now.getTime() / 1000)),
  };
}

export function jsonRequest(url: string, body: unknown, delivery: Delivery, ctx: FormatContext): HttpRequest {
  return { url, method: 'POST', headers: baseHeaders(delivery, ctx), body: JSON.stringify(body) };
}

/** Cuts text to at most max characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…';
}

/** Receivers reject links that are not absolute http(s) URLs (Discord with a 400), so others are left out. */
export function httpUrl(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : undefined;
}

/** The one-line title of a notification. */
export function headline(p: Payload): string {
  if (p.kind === 'heartbeat') return p.summary ?? 'pgvigil heartbeat';
  const firing = p.alerts.filter((a) => a.status === 'firing').length;
  const resolved = p.alerts.length - firing;
  const counts = [firing ? `${firing} firing` : '', resolved ? `${resolved} resolved` : ''].filter(Boolean).join(', ');
  const group = Object.values(p.groupLabels ?? {}).filter(Boolean).join(' ') || p.route || p.channel;
  if (p.kind === 'escalation') {
    const again = p.loop ? `, repeat ${p.loop}` : '';
    return `[ESCALATION] ${p.policy ?? ''} step ${p.step ?? '?'}${again}: ${group} (${counts})`;
  }
  return `[${p.status.toUpperCase()}] ${group} (${counts})`;
}

/** One alert on one line: its summary, marked when resolved or flapping. */
export function alertLine(a: PayloadAlert): string {
  return `${a.status === 'resolved' ? 'RESOLVED ' : ''}${a.summary}${a.flapping ? ' (flapping)' : ''}`;
}

/** The alert's state, "firing since …" or "resolved at …". */
export function since(a: PayloadAlert): string {
  return a.status === 'resolved' && a.endsAt ? `resolved at ${a.endsAt}` : `firing since ${a.startsAt}`;
}

export function valueText(a: PayloadAlert): string {
  return a.value === null ? 'no data' : String(a.value);
}

// Channel formatters and delivery outcomes: pure functions the worker calls.
// format() turns a claimed delivery into the HTTP requests to send (several
// for PagerDuty, one event per alert; none for a PagerDuty heartbeat, which
// the worker settles as delivered). classify() turns the receiver's answer
// into delivered, retry or dead (issue 6, "Outcomes"); settle_delivery in
// SQL has the last word (e.g. 410 always disables the channel).
// Every request carries content-type, user-agent pgvigil/<version>, and the
// Standard Webhooks webhook-id (the idempotency key) and webhook-timestamp.
import { packageVersion } from '../sources.js';
import { format as alertmanager } from './alertmanager.js';
import { format as discord } from './discord.js';
import { format as pagerduty } from './pagerduty.js';
import { format as slack } from './slack.js';
import { format as teams } from './teams.js';
import { CHANNEL_KINDS } from './types.js';
import type { ChannelKind, Delivery, Formatter, HttpRequest } from './types.js';
import { format as webhook } from './webhook.js';

export * from './types.js';

const FORMATTERS: Record<ChannelKind, Formatter> = { slack, discord, pagerduty, alertmanager, teams, webhook };

export function isChannelKind(kind: string): kind is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(kind);
}

export function formatFor(kind: ChannelKind): Formatter {
  return FORMATTERS[kind];
}

let userAgent: string | undefined;

/** The requests for one delivery; throws FormatError when the channel is misconfigured (settle it dead). */
export function format(delivery: Delivery, now: Date, agent?: string): HttpRequest[] {
  userAgent ??= `pgvigil/${packageVersion()}`;
  return formatFor(delivery.kind)(delivery, { now, userAgent: agent ?? userAgent });
}

export interface Outcome {
  outcome: 'delivered' | 'retry' | 'dead';
  /** When the receiver asked to wait: settle_delivery waits at least this long. */
  retryAfterMs?: number;
  /** 410 Gone: the receiver is gone for good. */
  disableChannel?: boolean;
  reason: string;
}

export type ResponseHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: ResponseHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After in delay-seconds or as an HTTP date, in ms from now (never negative); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its weekday and month; Date.parse alone would take "-3" for a year.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Discord answers a 429 with {"retry_after": <seconds, fractional>} in its JSON body. */
function discordRetryAfter(body: string): number | undefined {
  try {
    const seconds = (JSON.parse(body) as { retry_after?: unknown }).retry_after;
    return typeof seconds === 'number' && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a 4xx will not succeed on retry, where the receiver says something specific. */
function deadReason(kind: ChannelKind, status: number): string {
  if (kind === 'slack' && (status === 404 || status === 410)) return 'the Slack webhook was revoked or its channel archived';
  if (kind === 'discord' && status === 404) return 'the Discord webhook was deleted';
  if (kind === 'pagerduty' && status === 400) return 'PagerDuty rejected the event (check the routing key)';
  if (status >= 300 && status < 400) return 'redirects are not followed: point the channel at the final URL';
  return 'the receiver refused the request; a retry would not change that';
}

/** What a response means for the delivery. */
export function classify(kind: ChannelKind, status: number, headers: ResponseHeaders, body: string, now: Date): Outcome {
  if (status >= 200 && status < 300) return { outcome: 'delivered', reason: `HTTP ${status}` };
  if (status === 410) return { outcome: 'dead', disableChannel: true, reason: `HTTP 410: the receiver is gone; channel disabled` };
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) {
    const fromBody = kind === 'discord' && status === 429 ? discordRetryAfter(body) : undefined;
    const retryAfterMs = fromBody ?? parseRetryAfter(header(headers, 'retry-after'), now);
    const after = retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`;
    return { outcome: 'retry', ...(retryAfterMs === undefined ? {} : { retryAfterMs }), reason: `HTTP ${status}${after}` };
  }
  return { outcome: 'dead', reason: `HTTP ${status}: ${deadReason(kind, status)}` };
}

/** A timeout or connection error: no response, so try again later. */
export function noResponse(error: unknown): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  return { outcome: 'retry', reason: `no response: ${message}` };
}

// The shapes the channel formatters work on: the outbox payload (version 1,
// docs/outbox-payload.md), the delivery the worker claimed, and the HTTP
// request a formatter produces for the worker to send.

export type ChannelKind = 'slack' | 'discord' | 'pagerduty' | 'alertmanager' | 'teams' | 'webhook';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['slack', 'discord', 'pagerduty', 'alertmanager', 'teams', 'webhook'];

export type Severity = 'critical' | 'warning' | 'info';
export type AlertStatus = 'firing' | 'resolved';

export interface PayloadAlert {
  alertId: number;
  /** md5 of check and series, 16 hex characters: stable across fires. */
  fingerprint: string;
  status: AlertStatus;
  severity: Severity;
  check: string;
  series: string;
  value: number | null;
  labels: Record<string, string>;
  /** One line: `<severity>: <check> <series> = <value>`. */
  summary: string;
  detail: unknown;
  flapping: boolean;
  startsAt: string;
  endsAt: string | null;
  runbook: string | null;
}

export interface Payload {
  version: 1;
  kind: 'alerts' | 'escalation' | 'heartbeat';
  /** Absent on heartbeats. */
  route?: string;
  channel: string;
  status: AlertStatus;
  groupKey?: string;
  groupLabels?: Record<string, string>;
  /** alerts only. */
  commonLabels?: Record<string, string>;
  sentAt: string;
  /** Empty on heartbeats. */
  alerts: PayloadAlert[];
  /** escalation only: which step (1-based) of which policy, in which loop (0-based). */
  policy?: string;
  step?: number;
  loop?: number;
  /** heartbeat only. */
  summary?: string;
}

/** One outbox row as the worker claimed it, its channel's secrets already resolved. */
export interface Delivery {
  /** vigil.outbox.id (bigint: node-postgres returns it as text). */
  id: string;
  /** The channel's name. */
  channel: string;
  kind: ChannelKind;
  /** Sent as the Standard Webhooks `webhook-id` header. */
  idempotencyKey: string;
  payload: Payload;
  /** The URL to send to, `env:NAME` already resolved. */
  target: string;
  /** The channel's secret, `env:NAME` already resolved: a PagerDuty routing key, a webhook signing key; else null. */
  secret: string | null;
}

export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** What every formatter is given besides the delivery: no clock or I/O of its own. */
export interface FormatContext {
  now: Date;
  /** e.g. `pgvigil/0.1.0`. */
  userAgent: string;
}

/** Every formatter returns the requests to send, in order; none means there is nothing to send (deliver it as done). */
export type Formatter = (delivery: Delivery, ctx: FormatContext) => HttpRequest[];

/** A delivery that cannot be formatted (a missing or malformed secret): no retry will fix it. */
export class FormatError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'FormatError';
  }
}

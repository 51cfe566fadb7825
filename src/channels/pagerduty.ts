// PagerDuty Events API v2: one event per alert, deduplicated by the alert's
// fingerprint, so a resolve closes the incident its trigger opened.
// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
// The payload has no acknowledgement yet, so only trigger and resolve are sent.
import { httpUrl, jsonRequest, truncate } from './common.js';
import { FormatError } from './types.js';
import type { Delivery, FormatContext, HttpRequest, PayloadAlert } from './types.js';

const MAX_SUMMARY = 1024;

export type PagerDutyEvent =
  | { routing_key: string; event_action: 'resolve'; dedup_key: string }
  | {
      routing_key: string;
      event_action: 'trigger';
      dedup_key: string;
      client: string;
      payload: {
        summary: string;
        source: string;
        severity: 'critical' | 'warning' | 'info';
        timestamp: string;
        component: string;
        custom_details: Record<string, unknown>;
      };
      links?: Array<{ href: string; text: string }>;
    };

function event(a: PayloadAlert, routingKey: string): PagerDutyEvent {
  // A resolve needs only the dedup key: PagerDuty ignores the rest.
  if (a.status === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: a.fingerprint };
  const runbook = httpUrl(a.runbook);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: a.fingerprint,
    client: 'pgvigil',
    payload: {
      summary: truncate(a.summary + (a.flapping ? ' (flapping)' : ''), MAX_SUMMARY),
      source: a.series || a.check,
      // pgvigil's severities are a subset of PagerDuty's (critical, error, warning, info).
      severity: a.severity,
      timestamp: new Date(a.startsAt).toISOString(),
      component: a.check,
      custom_details: { ...a.labels, value: a.value, detail: a.detail },
    },
    ...(runbook ? { links: [{ href: runbook, text: 'Runbook' }] } : {}),
  };
}

/** A heartbeat sends nothing: a trigger would page someone. */
export function format(delivery: Delivery, ctx: FormatContext): HttpRequest[] {
  const key = delivery.secret;
  if (!key) {
    throw new FormatError(
      `channel ${delivery.channel}: a PagerDuty channel needs its routing key as the secret`,
      "Add the channel with p_secret_ref => 'env:NAME' and set NAME in the worker's environment to the integration's routing key.",
    );
  }
  return delivery.payload.alerts.map((a) => jsonRequest(delivery.target, event(a, key), delivery, ctx));
}

// Alertmanager v2: POST <target>/api/v2/alerts with a list of postable
// alerts. https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
// A firing alert carries no endsAt: Alertmanager then resolves it by itself
// after its resolve_timeout unless told again, which also makes the heartbeat
// a dead man's switch (the "Watchdog" pattern).
import { httpUrl, jsonRequest } from './common.js';
import type { Delivery, FormatContext, HttpRequest, Payload, PayloadAlert } from './types.js';

const PATH = '/api/v2/alerts';

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

/** The target with /api/v2/alerts appended, unless it ends with it already. */
export function alertsUrl(target: string): string {
  const base = target.replace(/\/+$/, '');
  return base.endsWith(PATH) ? base : base + PATH;
}

function postable(a: PayloadAlert): PostableAlert {
  const runbook = httpUrl(a.runbook);
  const annotations: Record<string, string> = { summary: a.summary };
  if (runbook) annotations.runbook_url = runbook;
  if (a.detail !== null && a.detail !== undefined) annotations.description = JSON.stringify(a.detail);
  // Alertmanager takes label values as strings only.
  const labels = Object.fromEntries(Object.entries(a.labels).map(([k, v]) => [k, String(v)]));
  return {
    labels: { ...labels, alertname: a.check },
    annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    ...(a.status === 'resolved' && a.endsAt ? { endsAt: new Date(a.endsAt).toISOString() } : {}),
    ...(runbook ? { generatorURL: runbook } : {}),
  };
}

function heartbeat(p: Payload): PostableAlert {
  return {
    labels: { alertname: 'PgvigilHeartbeat', channel: p.channel },
    annotations: { summary: p.summary ?? 'pgvigil heartbeat' },
    startsAt: new Date(p.sentAt).toISOString(),
  };
}

export function format(delivery: Delivery, ctx: FormatContext): HttpRequest[] {
  const p = delivery.payload;
  const alerts = p.kind === 'heartbeat' ? [heartbeat(p)] : p.alerts.map(postable);
  return [jsonRequest(alertsUrl(delivery.target), alerts, delivery, ctx)];
}

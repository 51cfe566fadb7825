// One alert as vigil._notify writes it into a payload (docs/outbox-payload.md,
// version 1): the fixture the formatter and worker tests share.
import type { Payload, PayloadAlert } from '../../src/channels/index.js';

/** A firing critical alert, with what is given in over changed. */
export function alert(over: Partial<PayloadAlert> = {}): PayloadAlert {
  return {
    alertId: 42,
    fingerprint: '3f2c9a0b1d4e5f60',
    status: 'firing',
    severity: 'critical',
    check: 'long_queries',
    series: 'pid 4242',
    value: 312,
    labels: { check: 'long_queries', series: 'pid 4242', severity: 'critical', service: 'db' },
    summary: 'critical: long_queries pid 4242 = 312',
    detail: { query: 'select …', usename: 'app' },
    flapping: false,
    startsAt: '2026-03-10T12:00:00+00:00',
    endsAt: null,
    runbook: 'https://wiki.example.com/runbooks/long-queries',
    ...over,
  };
}

/** A resolved warning alert of the same check. */
export const RESOLVED_ALERT: PayloadAlert = alert({
  alertId: 43,
  fingerprint: 'aa11bb22cc33dd44',
  status: 'resolved',
  severity: 'warning',
  series: 'pid 77',
  value: 95,
  labels: { check: 'long_queries', series: 'pid 77', severity: 'warning', service: 'db' },
  summary: 'warning: long_queries pid 77 = 95',
  detail: null,
  startsAt: '2026-03-10T11:50:00+00:00',
  endsAt: '2026-03-10T11:59:00+00:00',
  runbook: null,
});

/** An 'alerts' payload for channel, grouped by check, carrying these alerts. */
export function alertsPayload(channel: string, alerts: PayloadAlert[]): Payload {
  return {
    version: 1,
    kind: 'alerts',
    route: 'everything',
    channel,
    status: 'firing',
    groupKey: '{"check": "long_queries"}',
    groupLabels: { check: 'long_queries' },
    commonLabels: { check: 'long_queries' },
    sentAt: '2026-03-10T12:01:00+00:00',
    alerts,
  };
}

// Microsoft Teams through a Workflows webhook ("Post to a channel when a
// webhook request is received"): a message with one Adaptive Card 1.4, a
// title, then per alert its summary and a FactSet.
// https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference
import { alertLine, headline, httpUrl, jsonRequest, since, valueText } from './common.js';
import type { Delivery, FormatContext, HttpRequest, PayloadAlert } from './types.js';

/** Teams refuses cards over about 28 KB: 20 alerts keep well under it. */
export const MAX_ALERTS = 20;

type Element =
  | { type: 'TextBlock'; text: string; wrap: true; weight?: 'Bolder'; size?: 'Large'; color?: string; spacing?: 'Medium' }
  | { type: 'FactSet'; facts: Array<{ title: string; value: string }> };

/** Adaptive Card colours: attention is red, warning amber, good green, accent blue. */
function color(a: PayloadAlert): string {
  if (a.status === 'resolved') return 'Good';
  return { critical: 'Attention', warning: 'Warning', info: 'Accent' }[a.severity];
}

function alertElements(a: PayloadAlert): Element[] {
  const runbook = httpUrl(a.runbook);
  const facts = [
    { title: 'Check', value: a.check },
    { title: 'Series', value: a.series },
    { title: 'Value', value: valueText(a) },
    { title: 'State', value: since(a) },
    ...(runbook ? [{ title: 'Runbook', value: `[${runbook}](${runbook})` }] : []),
  ];
  return [
    { type: 'TextBlock', text: alertLine(a), wrap: true, weight: 'Bolder', color: color(a), spacing: 'Medium' },
    { type: 'FactSet', facts },
  ];
}

export function format(delivery: Delivery, ctx: FormatContext): HttpRequest[] {
  const p = delivery.payload;
  const body: Element[] = [
    { type: 'TextBlock', text: headline(p), wrap: true, weight: 'Bolder', size: 'Large' },
    ...p.alerts.slice(0, MAX_ALERTS).flatMap(alertElements),
  ];
  if (p.alerts.length > MAX_ALERTS) body.push({ type: 'TextBlock', text: `and ${p.alerts.length - MAX_ALERTS} more`, wrap: true });
  const card = { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body };
  const message = {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
  return [jsonRequest(delivery.target, message, delivery, ctx)];
}

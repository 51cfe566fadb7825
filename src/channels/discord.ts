// Discord webhook: a short `content` line and one embed per alert, coloured
// by severity. https://discord.com/developers/docs/resources/webhook#execute-webhook
import { alertLine, headline, httpUrl, jsonRequest, since, truncate, valueText } from './common.js';
import type { Delivery, FormatContext, HttpRequest, PayloadAlert } from './types.js';

/** Discord's limits: 10 embeds a message, 6000 characters over all of them, 2000 in content. */
export const MAX_EMBEDS = 10;
export const MAX_EMBED_TOTAL = 6000;
const MAX_CONTENT = 2000;
const MAX_TITLE = 256;
const MAX_FIELD = 1024;
/** Well under the 4096 allowed, so that ten embeds fit in the total. */
const MAX_DESCRIPTION = 300;

export const COLORS = { critical: 0xd32f2f, warning: 0xf9a825, info: 0x1976d2, resolved: 0x2e7d32 } as const;

export interface Embed {
  title: string;
  description: string;
  color: number;
  url?: string;
  timestamp: string;
  fields: Array<{ name: string; value: string; inline: boolean }>;
}

function embed(a: PayloadAlert): Embed {
  const field = (name: string, value: string) => ({ name, value: truncate(value || '-', MAX_FIELD), inline: true });
  const detail = a.detail === null || a.detail === undefined ? '' : `\n${JSON.stringify(a.detail)}`;
  return {
    title: truncate(alertLine(a), MAX_TITLE),
    description: truncate(since(a) + detail, MAX_DESCRIPTION),
    color: a.status === 'resolved' ? COLORS.resolved : COLORS[a.severity],
    ...(httpUrl(a.runbook) ? { url: httpUrl(a.runbook) } : {}),
    timestamp: new Date(a.startsAt).toISOString(),
    fields: [field('check', a.check), field('series', a.series), field('value', valueText(a))],
  };
}

/** The characters Discord counts towards the 6000 of a message. */
export function embedLength(e: Embed): number {
  return e.title.length + e.description.length + e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
}

export function format(delivery: Delivery, ctx: FormatContext): HttpRequest[] {
  const p = delivery.payload;
  const embeds: Embed[] = [];
  let total = 0;
  for (const a of p.alerts.slice(0, MAX_EMBEDS)) {
    const e = embed(a);
    if (total + embedLength(e) > MAX_EMBED_TOTAL) break;
    embeds.push(e);
    total += embedLength(e);
  }
  const shown = embeds.length < p.alerts.length ? ` (showing ${embeds.length} of ${p.alerts.length})` : '';
  const content = truncate(headline(p) + shown, MAX_CONTENT);
  // allowed_mentions: an alert's text must never ping @everyone or a role.
  return [jsonRequest(delivery.target, { content, embeds, allowed_mentions: { parse: [] } }, delivery, ctx)];
}

// Slack incoming webhook: `text` is the fallback Slack shows in notifications,
// `blocks` the message: a header, then one section per alert.
// https://api.slack.com/messaging/webhooks, https://api.slack.com/reference/block-kit/blocks
import { alertLine, headline, httpUrl, jsonRequest, since, truncate } from './common.js';
import type { Delivery, FormatContext, HttpRequest, PayloadAlert } from './types.js';

/** Slack's limits: 50 blocks a message, 150 characters a header, 3000 a section. */
export const MAX_BLOCKS = 50;
const MAX_HEADER = 150;
const MAX_SECTION = 3000;
/** The fallback text is for notifications and screen readers: a screenful is enough. */
const MAX_TEXT_LINES = 20;

type Block =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> };

function emoji(a: PayloadAlert): string {
  if (a.status === 'resolved') return ':white_check_mark:';
  return { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_blue_circle:' }[a.severity];
}

/** Slack's mrkdwn treats &, < and > as control characters; escaping them also stops <!channel> mentions. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function section(a: PayloadAlert): Block {
  const runbook = httpUrl(a.runbook);
  const lines = [`${emoji(a)} *${escape(alertLine(a))}*`, escape(since(a))];
  if (runbook) lines.push(`<${runbook}|Runbook>`);
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), MAX_SECTION) } };
}

function more(n: number): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: `and ${n} more` }] };
}

export function format(delivery: Delivery, ctx: FormatContext): HttpRequest[] {
  const p = delivery.payload;
  const title = headline(p);
  const alerts = p.alerts;
  // The header takes one block; when the alerts do not fit, the last block says how many were left out.
  const room = alerts.length + 1 <= MAX_BLOCKS ? alerts.length : MAX_BLOCKS - 2;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, MAX_HEADER) } },
    ...alerts.slice(0, room).map(section),
    ...(room < alerts.length ? [more(alerts.length - room)] : []),
  ];
  const lines = alerts.slice(0, MAX_TEXT_LINES).map((a) => `${emoji(a)} ${escape(alertLine(a))}`);
  if (alerts.length > MAX_TEXT_LINES) lines.push(`and ${alerts.length - MAX_TEXT_LINES} more`);
  const text = lines.length ? lines.join('\n') : escape(title);
  return [jsonRequest(delivery.target, { text, blocks }, delivery, ctx)];
}

// The generic webhook: the payload as it is, signed per Standard Webhooks
// (https://www.standardwebhooks.com/) when the channel has a secret.
// The secret is a Standard Webhooks key: base64, optionally prefixed with
// `whsec_` (e.g. `whsec_$(openssl rand -base64 32)`), the same text the
// receiver verifies with. Without a secret the request goes unsigned, still
// with webhook-id and webhook-timestamp.
import { Webhook } from 'standardwebhooks';
import { baseHeaders } from './common.js';
import { FormatError } from './types.js';
import type { Delivery, FormatContext, HttpRequest } from './types.js';

function signer(delivery: Delivery, secret: string): Webhook {
  try {
    return new Webhook(secret);
  } catch (e) {
    throw new FormatError(
      `channel ${delivery.channel}: the webhook secret is not a Standard Webhooks key (${(e as Error).message})`,
      'Give a base64 key, optionally prefixed with whsec_, e.g. whsec_$(openssl rand -base64 32).',
    );
  }
}

export function format(delivery: Delivery, ctx: FormatContext): HttpRequest[] {
  const body = JSON.stringify(delivery.payload);
  const headers = baseHeaders(delivery, ctx);
  if (delivery.secret) headers['webhook-signature'] = signer(delivery, delivery.secret).sign(delivery.idempotencyKey, ctx.now, body);
  return [{ url: delivery.target, method: 'POST', headers, body }];
}

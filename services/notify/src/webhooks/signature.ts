import { createHmac, randomBytes } from 'node:crypto';

/** `X-PagerDuty-Signature`: `v1=` and the lower-case hex HMAC-SHA256 of the exact body, keyed by the secret. */
export function signatureHeader(secret: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A subscription's signing secret (PagerDuty's are 64 characters). */
export const newWebhookSecret = (): string => randomBytes(32).toString('base64url').slice(0, 64).padEnd(64, '0');

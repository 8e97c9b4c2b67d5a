import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EnvSchema } from '@klaxon/kit';

/**
 * One-click incident actions in notifications: a link that acknowledges or resolves an incident, or
 * accepts or declines a request to respond to it, as the notified user, without an API token. Notify signs the link; grouping, which owns incidents,
 * verifies it and acts. Both read the same key (`KLAXON_ACTION_LINK_SECRET`).
 *
 * Token: `<incident>.<user>.<a|r|j|d>.<expiry, unix seconds base 36>.<HMAC-SHA256, 128 bits, base64url>`:
 * short enough for an SMS, and every part covered by the signature.
 */
export type IncidentAction = 'acknowledge' | 'resolve' | 'accept' | 'decline';

export interface ActionGrant {
  incidentId: string;
  userId: string;
  action: IncidentAction;
  expiresAt: Date;
}

export const actionLinkConfigSchema = {
  type: 'object',
  properties: {
    KLAXON_ACTION_LINK_SECRET: {
      type: 'string',
      description:
        'Key (32+ characters) signing the acknowledge/resolve links in emails and SMS; notify and grouping must share it. Unset: the all-in-one keeps one in KLAXON_DATA_DIR/action-link.key; services run alone send no action links.',
      minLength: 32,
    },
    KLAXON_ACTION_LINK_TTL_HOURS: {
      type: 'integer',
      description: 'How long an acknowledge/resolve link works after the notification is sent.',
      minimum: 1,
      maximum: 720,
      default: 24,
    },
  },
} as const satisfies EnvSchema;

const CODES: Record<IncidentAction, string> = { acknowledge: 'a', resolve: 'r', accept: 'j', decline: 'd' };
const ACTIONS: Record<string, IncidentAction> = { a: 'acknowledge', r: 'resolve', j: 'accept', d: 'decline' };
// Ids are Klaxon's prefixed alphanumerics: nothing that could carry the separator.
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

const mac = (key: string, payload: string) =>
  createHmac('sha256', key).update(`klaxon-action-link:${payload}`).digest().subarray(0, 16).toString('base64url');

/** The signed token of a grant. */
export function signActionToken(key: string, grant: ActionGrant): string {
  if (!idPattern.test(grant.incidentId) || !idPattern.test(grant.userId)) {
    throw new Error('action link ids must be alphanumeric');
  }
  const expiry = Math.floor(grant.expiresAt.getTime() / 1000).toString(36);
  const payload = `${grant.incidentId}.${grant.userId}.${CODES[grant.action]}.${expiry}`;
  return `${payload}.${mac(key, payload)}`;
}

export type ActionTokenCheck = { ok: true; grant: ActionGrant } | { ok: false; reason: 'invalid' | 'expired' };

/** The grant a token carries, if its signature holds and it has not expired at `now`. */
export function verifyActionToken(key: string, token: string, now: Date): ActionTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 5) return { ok: false, reason: 'invalid' };
  const [incidentId = '', userId = '', code = '', expiry = '', signature = ''] = parts;
  const expected = Buffer.from(mac(key, parts.slice(0, 4).join('.')));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const action = ACTIONS[code];
  const seconds = Number.parseInt(expiry, 36);
  if (!action || !Number.isSafeInteger(seconds) || !idPattern.test(incidentId) || !idPattern.test(userId)) {
    return { ok: false, reason: 'invalid' };
  }
  const expiresAt = new Date(seconds * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, grant: { incidentId, userId, action, expiresAt } };
}

/** Where a token is opened: grouping serves this path. */
export const actionLinkPath = (token: string) => `/incident_actions/${encodeURIComponent(token)}`;

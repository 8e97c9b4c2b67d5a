import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signature (X-Twilio-Signature): Base64 of HMAC-SHA1, keyed with the account's
 * auth token, over the full URL Twilio requested followed by each POST parameter's name and value,
 * sorted by name. https://www.twilio.com/docs/usage/security#validating-requests
 */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function validTwilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
  given: string | undefined,
): boolean {
  if (!given) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// Statuses in the order Twilio moves through them: a callback that arrives late (sent after
// delivered) must not move an attempt back. Finals share the top rank.
const MESSAGE_RANK: Record<string, number> = {
  accepted: 1,
  scheduled: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  delivered: 5,
  undelivered: 5,
  failed: 5,
  canceled: 5,
  read: 6,
};
const CALL_RANK: Record<string, number> = {
  queued: 1,
  initiated: 2,
  ringing: 3,
  'in-progress': 4,
  completed: 5,
  busy: 5,
  'no-answer': 5,
  failed: 5,
  canceled: 5,
};
const MESSAGE_FAILED = new Set(['undelivered', 'failed', 'canceled']);
const CALL_FAILED = new Set(['busy', 'no-answer', 'failed', 'canceled']);

export interface ProviderStatus {
  /** The message or call sid the callback is about. */
  sid: string;
  status: string;
  rank: number;
  /** A final status saying the person was not reached: the attempt fails. */
  failed: boolean;
  /** What the notify log entry says of a failure. */
  detail: string;
}

/**
 * What a status callback reports, from its form fields (MessageSid/MessageStatus for SMS,
 * CallSid/CallStatus for calls, ErrorCode on failures); undefined when it is neither.
 */
export function providerStatusOf(form: Readonly<Record<string, string>>): ProviderStatus | undefined {
  const message = form.MessageSid && form.MessageStatus;
  const sid = message ? form.MessageSid : form.CallSid;
  const status = (message ? form.MessageStatus : form.CallStatus)?.toLowerCase();
  if (!sid || !status || !/^[A-Za-z0-9]{2,64}$/.test(sid)) return undefined;
  const rank = (message ? MESSAGE_RANK : CALL_RANK)[status];
  if (rank === undefined) return undefined;
  const failed = (message ? MESSAGE_FAILED : CALL_FAILED).has(status);
  const code = form.ErrorCode ? ` (error ${form.ErrorCode})` : '';
  return { sid, status, rank, failed, detail: `Twilio: ${message ? 'SMS' : 'call'} ${status}${code}` };
}

/** The rank of a stored status, for the same ordering (0 when none yet). */
export function statusRank(channel: string, status: string | null): number {
  if (!status) return 0;
  return (channel === 'phone' ? CALL_RANK : MESSAGE_RANK)[status] ?? 0;
}

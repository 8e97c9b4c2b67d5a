import { handoffSms, handoffTwiml } from '../domain/handoff-messages';
import { smsText, voiceTwiml } from '../domain/messages';
import type { ChannelAdapter, SendResult } from './channel';

export interface TwilioSettings {
  /** https://api.twilio.com, or a compatible provider's base URL. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** The number messages and calls come from. */
  from: string;
  /**
   * Where Twilio reports delivery status (StatusCallback) of the message or call sent for a
   * notification key; unset (no KLAXON_PUBLIC_URL for Twilio to reach): no callbacks asked for.
   */
  statusCallback?: ((key: string) => string) | undefined;
}

interface TwilioAnswer {
  sid?: string;
  status?: string;
  message?: string;
  code?: number;
}

async function post(
  settings: TwilioSettings,
  resource: 'Messages' | 'Calls',
  key: string,
  form: Record<string, string>,
): Promise<SendResult> {
  const url = `${settings.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/${resource}.json`;
  const auth = Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64');
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${auth}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        // Stable across retries and restarts: a compatible provider that honours idempotency keys
        // (Telnyx, Infobip, ...) sends a message re-posted after a crash mid-request once. Twilio ignores it.
        'idempotency-key': key,
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    return {
      ok: false,
      retry: true,
      detail: `Twilio unreachable: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const answer = (await res.json().catch(() => ({}))) as TwilioAnswer;
  if (res.ok && answer.sid) return { ok: true, ref: answer.sid, detail: `Twilio ${answer.status ?? res.status}` };
  const detail = `Twilio ${res.status}${answer.code ? ` (${answer.code})` : ''}: ${answer.message ?? res.statusText}`;
  // 429 and 5xx pass; other 4xx (a bad number, bad credentials) will fail again.
  return { ok: false, retry: res.status === 429 || res.status >= 500, detail };
}

const callbackOf = (settings: TwilioSettings, key: string): Record<string, string> =>
  settings.statusCallback ? { StatusCallback: settings.statusCallback(key) } : {};

/** SMS through Twilio's Messages API: form fields To, From, Body (and StatusCallback). */
export function smsChannel(settings: TwilioSettings): ChannelAdapter {
  return {
    send: (n) =>
      post(settings, 'Messages', n.key, {
        To: n.address,
        From: settings.from,
        Body: n.handoff ? handoffSms(n.handoff) : smsText(n.incidents),
        ...callbackOf(settings, n.key),
      }),
  };
}

/**
 * Voice calls through Twilio's Calls API: To, From and the TwiML the call speaks. Twilio calls the
 * StatusCallback when the call ends (completed, busy, no-answer, failed, canceled).
 */
export function voiceChannel(settings: TwilioSettings): ChannelAdapter {
  return {
    send: (n) =>
      post(settings, 'Calls', n.key, {
        To: n.address,
        From: settings.from,
        Twiml: n.handoff ? handoffTwiml(n.handoff) : voiceTwiml(n.incidents),
        ...callbackOf(settings, n.key),
      }),
  };
}

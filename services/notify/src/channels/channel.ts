import type { ChannelKind, HandoffFacts } from '../db';

/** One incident as a notification describes it. */
export interface IncidentSummary {
  id: string;
  number: number;
  title: string;
  serviceName: string;
  urgency: string;
  status: string;
  detailsUrl: string;
  /** One-click links acting as the notified user; empty when action links are not configured. */
  acknowledgeUrl: string;
  resolveUrl: string;
  /** For a responder request: one-click links accepting or declining it as the notified user. */
  respondUrls?: { accept: string; decline: string };
}

/**
 * What a channel sends: to one address, about one incident, or (SMS and calls in a storm) about
 * several, bundled. `key` is stable across retries of the same message (the email's Message-ID).
 */
export interface Notification {
  key: string;
  channel: ChannelKind;
  address: string;
  incidents: IncidentSummary[];
  /** Set instead of incidents for an on-call handoff notification. */
  handoff?: HandoffFacts;
}

export type SendResult =
  | { ok: true; ref: string; detail: string }
  /** retry: a transient failure (server away, 5xx, 429) worth another try after a backoff. */
  | { ok: false; retry: boolean; detail: string };

/** One way of reaching a person. Each adapter speaks one provider's protocol and nothing else. */
export interface ChannelAdapter {
  send(notification: Notification): Promise<SendResult>;
  close?(): Promise<void> | void;
}

/** A channel with no provider configured (or none existing, as push): every attempt fails, final. */
export function unavailableChannel(why: string): ChannelAdapter {
  return { send: async () => ({ ok: false, retry: false, detail: why }) };
}

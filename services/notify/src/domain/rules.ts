import type { ChannelKind } from '../db';

/** A user's notification rule joined with its contact method, as the catalog replica holds them. */
export interface RuleWithMethod {
  userId: string;
  ruleId: string;
  startDelayInMinutes: number;
  urgency: string;
  contactMethodId: string;
  /** The contact method's type (email_contact_method, ...); null when the method is gone. */
  methodType: string | null;
  address: string | null;
  countryCode: number | null;
}

/** What a notifications.requested message asks, as planning needs it. */
export interface RequestFacts {
  id: string;
  userId: string;
  urgency: string;
  requestedAt: Date;
  /** Set when the request names one contact method instead of the user's rules. */
  contactMethodId: string;
}

export interface PlannedAttempt {
  ruleId: string;
  contactMethodId: string;
  channel: ChannelKind;
  address: string;
  dueAt: Date;
  /** Set when the attempt can never be sent (no rule, a method gone): stored as failed at once. */
  failure?: string;
}

const CHANNELS: Record<string, ChannelKind> = {
  email_contact_method: 'email',
  sms_contact_method: 'sms',
  phone_contact_method: 'phone',
  push_notification_contact_method: 'push',
  email: 'email',
  sms: 'sms',
  phone: 'phone',
  push: 'push',
};

export const channelOf = (methodType: string | null): ChannelKind =>
  (methodType && CHANNELS[methodType.replace(/_reference$/, '')]) || 'unknown';

/** Where a contact method sends: phone numbers in E.164 (+<country code><number>). */
export function addressOf(channel: ChannelKind, address: string, countryCode: number | null): string {
  if (channel !== 'sms' && channel !== 'phone') return address;
  const digits = address.replace(/[^\d]/g, '');
  return address.startsWith('+') ? `+${digits}` : `+${countryCode ?? 1}${digits}`;
}

function attemptOf(rule: RuleWithMethod, ruleId: string, dueAt: Date): PlannedAttempt {
  const channel = channelOf(rule.methodType);
  if (rule.methodType === null || rule.address === null) {
    return {
      ruleId,
      contactMethodId: rule.contactMethodId,
      channel,
      address: '',
      dueAt,
      failure: 'contact method not found',
    };
  }
  return {
    ruleId,
    contactMethodId: rule.contactMethodId,
    channel,
    address: addressOf(channel, rule.address, rule.countryCode),
    dueAt,
  };
}

/**
 * The attempts one request asks for. With a contact method named: that one, now. Otherwise each of
 * the user's rules for the request's urgency, due `start_delay_in_minutes` after the request (not
 * after its processing, so a restart shifts nothing). No rule at all is a failed attempt, so the
 * incident's log says nobody could be reached.
 */
export function planAttempts(request: RequestFacts, rules: readonly RuleWithMethod[]): PlannedAttempt[] {
  const at = request.requestedAt;
  if (request.contactMethodId !== '') {
    const method = rules.find((r) => r.contactMethodId === request.contactMethodId);
    const direct: RuleWithMethod = method ?? {
      userId: request.userId,
      ruleId: '',
      startDelayInMinutes: 0,
      urgency: request.urgency,
      contactMethodId: request.contactMethodId,
      methodType: null,
      address: null,
      countryCode: null,
    };
    return [attemptOf(direct, `direct:${request.id}`, at)];
  }
  const urgency = request.urgency === 'low' ? 'low' : 'high';
  const mine = rules.filter((r) => r.userId === request.userId && r.ruleId !== '' && r.urgency === urgency);
  if (mine.length === 0) {
    return [
      {
        ruleId: 'none',
        contactMethodId: '',
        channel: 'unknown',
        address: '',
        dueAt: at,
        failure: `no ${urgency}-urgency notification rules`,
      },
    ];
  }
  return mine
    .sort((a, b) => a.startDelayInMinutes - b.startDelayInMinutes || a.ruleId.localeCompare(b.ruleId))
    .map((r) => attemptOf(r, r.ruleId, new Date(at.getTime() + r.startDelayInMinutes * 60_000)));
}

/** Reasons whose pending notifications an acknowledgement, a resolve or a reassignment cancels. */
/**
 * Whether an incident in `status` stops a notification asked for `reason`. Acknowledge and resolve
 * stop paging the incident's assignees; a responder is asked to help whatever the incident's state
 * until it is resolved; the outcomes themselves (acknowledged, resolved) are always told.
 */
export function stopsNotification(reason: string, status: string): boolean {
  if (reason === 'acknowledged' || reason === 'resolved') return false;
  if (reason === 'responder_request') return status === 'resolved';
  return status !== 'triggered';
}

/** The wait before retry `tries` + 1 of a failed send: 15 s doubling, at most 10 minutes. */
export const retryDelayMs = (tries: number): number => Math.min(15_000 * 2 ** Math.max(0, tries - 1), 600_000);

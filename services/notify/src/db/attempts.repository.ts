import { type Executor, insertMany, queryRows, sql } from '@klaxon/db';
import type { RuleWithMethod } from '../domain/rules';
import {
  type AttemptRow,
  attempts,
  type ChannelKind,
  channelWindows,
  type HandoffFacts,
  type NewAttempt,
} from './attempts.table';
import { catalogReplica } from './tables';

interface RuleSql {
  user_id: string;
  rule_id: string | null;
  delay: number | null;
  urgency: string | null;
  contact_method_id: string;
  method_type: string | null;
  address: string | null;
  country_code: number | null;
}

const toRule = (r: RuleSql): RuleWithMethod => ({
  userId: r.user_id,
  ruleId: r.rule_id ?? '',
  startDelayInMinutes: r.delay ?? 0,
  urgency: r.urgency ?? 'high',
  contactMethodId: r.contact_method_id,
  methodType: r.method_type,
  address: r.address,
  countryCode: r.country_code,
});

/**
 * The notification rules of these users with their contact methods (from the user snapshots' rule
 * references, so a deleted user's rules are gone), plus the directly named contact methods.
 */
export async function loadRules(
  ex: Executor,
  userIds: readonly string[],
  methodIds: readonly string[],
): Promise<RuleWithMethod[]> {
  const rules = await queryRows<RuleSql>(
    ex,
    sql`select u.entity_id user_id, r.entity_id rule_id, (r.snapshot ->> 'start_delay_in_minutes')::int delay,
               r.snapshot ->> 'urgency' urgency, r.snapshot -> 'contact_method' ->> 'id' contact_method_id,
               cm.snapshot ->> 'type' method_type, cm.snapshot ->> 'address' address,
               (cm.snapshot ->> 'country_code')::int country_code
        from ${catalogReplica} u
        cross join lateral jsonb_array_elements(coalesce(u.snapshot -> 'notification_rules', '[]'::jsonb)) ref
        join ${catalogReplica} r on r.entity_type = 'notification_rule' and r.entity_id = ref ->> 'id' and not r.deleted
        left join ${catalogReplica} cm on cm.entity_type = 'contact_method' and not cm.deleted
             and cm.entity_id = r.snapshot -> 'contact_method' ->> 'id'
        where u.entity_type = 'user' and not u.deleted and u.entity_id = any(${sql.param([...new Set(userIds)])}::text[])`,
  );
  if (methodIds.length === 0) return rules.map(toRule);
  const methods = await queryRows<RuleSql>(
    ex,
    sql`select cm.snapshot -> 'user' ->> 'id' user_id, null rule_id, null delay, null urgency,
               cm.entity_id contact_method_id, cm.snapshot ->> 'type' method_type, cm.snapshot ->> 'address' address,
               (cm.snapshot ->> 'country_code')::int country_code
        from ${catalogReplica} cm
        where cm.entity_type = 'contact_method' and not cm.deleted
          and cm.entity_id = any(${sql.param([...new Set(methodIds)])}::text[])`,
  );
  return [...rules, ...methods].map(toRule);
}

/** Inserts planned attempts; returns those new (a redelivered request's attempts exist already). */
export function insertAttempts(ex: Executor, rows: readonly NewAttempt[]): Promise<AttemptRow[]> {
  return insertMany<typeof attempts, AttemptRow>(ex, attempts, rows, {
    onConflict: sql`(incident_id, user_id, rule_id, escalation_cycle) do nothing`,
    returning: sql`id, request_id as "requestId", incident_id as "incidentId", user_id as "userId", rule_id as "ruleId",
      contact_method_id as "contactMethodId", channel, address, service_id as "serviceId", state, detail`,
  });
}

interface AttemptSql {
  id: string;
  request_id: string;
  incident_id: string;
  user_id: string;
  rule_id: string;
  contact_method_id: string;
  channel: ChannelKind;
  address: string;
  urgency: string;
  service_id: string;
  incident_title: string;
  incident_number: string;
  tries: number;
  due_at: Date;
  handoff: HandoffFacts | null;
  reason: string;
}

export interface ClaimedAttempt {
  id: string;
  requestId: string;
  incidentId: string;
  userId: string;
  ruleId: string;
  contactMethodId: string;
  channel: ChannelKind;
  address: string;
  urgency: string;
  serviceId: string;
  incidentTitle: string;
  incidentNumber: number;
  tries: number;
  /** Set for an on-call handoff notification. */
  handoff: HandoffFacts | null;
  /** Why the user is notified (assigned, escalated, responder_request, ...). */
  reason: string;
}

/**
 * Claims up to `limit` due attempts (and those whose sender's lease ran out) for `leaseMs`: rows
 * other dispatchers hold are skipped, so replicas never send one attempt at once.
 */
export async function claimDueAttempts(
  ex: Executor,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<ClaimedAttempt[]> {
  const rows = await queryRows<AttemptSql>(
    ex,
    sql`with due as (
          select id from ${attempts}
          where (state = 'pending' and due_at <= ${now.toISOString()}::timestamptz)
             or (state = 'sending' and lease_until <= ${now.toISOString()}::timestamptz)
          order by due_at limit ${limit} for update skip locked)
        update ${attempts} a set state = 'sending', tries = a.tries + 1,
               lease_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
        from due where a.id = due.id
        returning a.id, a.request_id, a.incident_id, a.user_id, a.rule_id, a.contact_method_id, a.channel, a.address,
                  a.urgency, a.service_id, a.incident_title, a.incident_number, a.tries, a.due_at, a.handoff, a.reason`,
  );
  return rows
    .sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime())
    .map((r) => ({
      id: r.id,
      requestId: r.request_id,
      incidentId: r.incident_id,
      userId: r.user_id,
      ruleId: r.rule_id,
      contactMethodId: r.contact_method_id,
      channel: r.channel,
      address: r.address,
      urgency: r.urgency,
      serviceId: r.service_id,
      incidentTitle: r.incident_title,
      incidentNumber: Number(r.incident_number),
      tries: r.tries,
      handoff: r.handoff,
      reason: r.reason,
    }));
}

/**
 * Storm safety: opens the SMS / call window of each (user, channel) whose window is open now,
 * closing it until `openAt`. Returns the keys that got their window; the others must wait.
 */
export async function takeWindows(
  ex: Executor,
  keys: readonly { userId: string; channel: ChannelKind }[],
  now: Date,
  openAt: Date,
): Promise<Set<string>> {
  const rows = await insertMany<typeof channelWindows, { user_id: string; channel: string }>(
    ex,
    channelWindows,
    keys.map((k) => ({ userId: k.userId, channel: k.channel, openAt })),
    {
      onConflict: sql`(user_id, channel) do update set open_at = excluded.open_at
                      where ${channelWindows.openAt} <= ${now.toISOString()}::timestamptz`,
      returning: sql`user_id, channel`,
    },
  );
  return new Set(rows.map((r) => `${r.user_id}/${r.channel}`));
}

/** When each (user, channel) window opens again. */
export async function windowsOpenAt(ex: Executor, userIds: readonly string[]): Promise<Map<string, Date>> {
  const rows = await queryRows<{ user_id: string; channel: string; open_at: Date }>(
    ex,
    sql`select user_id, channel, open_at from ${channelWindows} where user_id = any(${sql.param([...new Set(userIds)])}::text[])`,
  );
  return new Map(rows.map((r) => [`${r.user_id}/${r.channel}`, new Date(r.open_at)]));
}

export interface AttemptUpdate {
  id: string;
  state: 'pending' | 'sent' | 'failed' | 'unsupported';
  dueAt: Date;
  detail: string | null;
  providerRef: string | null;
  finishedAt: Date | null;
  /** Tries not counted (an attempt held back by the storm window was not tried). */
  untry: boolean;
}

/** Stores the outcome of claimed attempts in one statement; rows no longer `sending` are left alone. */
export async function finishAttempts(ex: Executor, updates: readonly AttemptUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const col = <T>(f: (u: AttemptUpdate) => T) => sql.param(updates.map(f));
  await ex.execute(sql`
    update ${attempts} a set state = v.state, due_at = v.due_at, detail = v.detail, provider_ref = v.provider_ref,
           finished_at = v.finished_at, lease_until = null, tries = a.tries - (case when v.untry then 1 else 0 end)
    from unnest(${col((u) => u.id)}::text[], ${col((u) => u.state)}::text[], ${col((u) => u.dueAt.toISOString())}::timestamptz[],
                ${col((u) => u.detail)}::text[], ${col((u) => u.providerRef)}::text[],
                ${col((u) => u.finishedAt?.toISOString() ?? null)}::timestamptz[], ${col((u) => u.untry)}::boolean[])
         as v(id, state, due_at, detail, provider_ref, finished_at, untry)
    where a.id = v.id and a.state = 'sending'`);
}

/** One incident's latest change, for cancelling its pending notifications. */
export interface IncidentCancel {
  incidentId: string;
  status: string;
  assignedUserIds: string[];
  /** Whether the change (re)assigned the incident: then users no longer assigned lose their rules. */
  reassigned: boolean;
  /** Responders no longer pending (joined, declined, cancelled): nobody asks them any more. */
  answeredResponderIds: string[];
}

/**
 * Cancels pending rule timers: all of an acknowledged or resolved incident's, and those of users a
 * reassignment or escalation left out; a responder's, once the incident is resolved or they are no
 * longer a pending responder. Returns how many were cancelled.
 */
export async function cancelPending(ex: Executor, changes: readonly IncidentCancel[], now: Date): Promise<number> {
  if (changes.length === 0) return 0;
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`update ${attempts} a set state = 'cancelled', finished_at = ${now.toISOString()}::timestamptz,
               detail = case when a.reason = 'responder_request' and c.status <> 'resolved'
                               then 'responder request answered or cancelled'
                             when c.status <> 'triggered' then 'incident ' || c.status else 'user no longer assigned' end
        from unnest(${sql.param(changes.map((c) => c.incidentId))}::text[], ${sql.param(changes.map((c) => c.status))}::text[],
                    ${sql.param(changes.map((c) => JSON.stringify(c.assignedUserIds)))}::jsonb[],
                    ${sql.param(changes.map((c) => c.reassigned))}::boolean[],
                    ${sql.param(changes.map((c) => JSON.stringify(c.answeredResponderIds)))}::jsonb[])
             as c(incident_id, status, assigned, reassigned, answered)
        where a.incident_id = c.incident_id and a.state = 'pending' and a.reason not in ('acknowledged', 'resolved')
          -- A responder is not an assignee: the resolve, or their answer (or its cancelling), stops asking
          -- them (domain/rules.ts stopsNotification).
          and case when a.reason = 'responder_request' then c.status = 'resolved' or c.answered ? a.user_id
                   else c.status <> 'triggered'
                        or (c.reassigned and jsonb_array_length(c.assigned) > 0 and not (c.assigned ? a.user_id)) end
        returning a.id`,
  );
  return rows.length;
}

/** Reopens the windows of sends that failed: a message that never reached the user does not count. */
export async function releaseWindows(
  ex: Executor,
  keys: readonly { userId: string; channel: ChannelKind }[],
  now: Date,
) {
  if (keys.length === 0) return;
  await ex.execute(
    sql`update ${channelWindows} w set open_at = ${now.toISOString()}::timestamptz
        from unnest(${sql.param(keys.map((k) => k.userId))}::text[], ${sql.param(keys.map((k) => k.channel))}::text[]) as k(user_id, channel)
        where w.user_id = k.user_id and w.channel = k.channel`,
  );
}

/** An attempt a provider's status callback turned into a failure, as notifications.delivered needs it. */
export interface FailedByProvider {
  id: string;
  requestId: string;
  incidentId: string;
  userId: string;
  serviceId: string;
  ruleId: string;
  contactMethodId: string;
  channel: ChannelKind;
  address: string;
  detail: string;
}

/**
 * Records a Twilio status callback on the attempts of that message or call: the one whose id the
 * callback URL carries (before its sid was stored) and those stored with the sid (a bundle shares
 * one). A status older than the stored one changes nothing; a final failure fails a sent attempt.
 */
export async function recordProviderStatus(
  ex: Executor,
  key: string,
  status: { sid: string; status: string; failed: boolean; detail: string },
  rankOf: (channel: ChannelKind, stored: string | null) => number,
  rank: number,
  now: Date,
): Promise<{ updated: number; failed: FailedByProvider[] }> {
  const rows = await queryRows<{
    id: string;
    request_id: string;
    incident_id: string;
    user_id: string;
    service_id: string;
    rule_id: string;
    contact_method_id: string;
    channel: ChannelKind;
    address: string;
    state: string;
    provider_status: string | null;
  }>(
    ex,
    sql`select id, request_id, incident_id, user_id, service_id, rule_id, contact_method_id, channel, address, state,
               provider_status
        from ${attempts}
        where channel in ('sms', 'phone')
          and ((id = ${key} and (provider_ref is null or provider_ref = ${status.sid})) or provider_ref = ${status.sid})
        for update`,
  );
  const newer = rows.filter((r) => rankOf(r.channel, r.provider_status) < rank);
  if (newer.length === 0) return { updated: 0, failed: [] };
  const failing = status.failed ? newer.filter((r) => r.state === 'sent') : [];
  const at = now.toISOString();
  await ex.execute(
    sql`update ${attempts} set provider_status = ${status.status}, provider_status_at = ${at}::timestamptz
        where id = any(${sql.param(newer.map((r) => r.id))}::text[])`,
  );
  if (failing.length > 0) {
    await ex.execute(
      sql`update ${attempts} set state = 'failed', detail = ${status.detail}, finished_at = ${at}::timestamptz
          where id = any(${sql.param(failing.map((r) => r.id))}::text[])`,
    );
  }
  return {
    updated: newer.length,
    failed: failing.map((r) => ({
      id: r.id,
      requestId: r.request_id,
      incidentId: r.incident_id,
      userId: r.user_id,
      serviceId: r.service_id,
      ruleId: r.rule_id,
      contactMethodId: r.contact_method_id,
      channel: r.channel,
      address: r.address,
      detail: status.detail,
    })),
  };
}

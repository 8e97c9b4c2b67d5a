import type { NotificationRequested, OnCallHandoff } from '@klaxon/contracts';
import { claimMessages, type Database, enqueueOutbox, queryRows, sql } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';
import { type HandoffFacts, inbox, incidentState, insertAttempts, loadRules, type NewAttempt, outbox } from '../db';
import { planAttempts, stopsNotification } from '../domain/rules';
import { deliveredMessages } from './delivered';

/** What an on-call handoff notification says, as the attempt keeps it. */
const handoffOf = (h: OnCallHandoff): HandoffFacts => ({
  kind: h.kind === 'offcall' ? 'offcall' : 'oncall',
  scheduleId: h.scheduleId,
  scheduleName: h.scheduleName,
  shiftStart: dateOf(h.shiftStart, new Date(0)).toISOString(),
  shiftEnd: dateOf(h.shiftEnd, new Date(0)).toISOString(),
  timeZone: h.timeZone || 'UTC',
});

const dateOf = (ts: { seconds: bigint; nanos: number } | undefined, fallback: Date): Date =>
  ts ? new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)) : fallback;

/**
 * Turns a batch of notifications.requested into durable attempts, in one transaction: the inbox
 * leaves out redelivered messages, the attempts' unique key leaves out a request repeated under a
 * new id, and attempts that can never be sent (no rule, a method gone) are failed at once with their
 * notifications.delivered. Attempts of an incident already acknowledged or resolved are cancelled.
 */
export async function planRequests(
  db: Database,
  requests: readonly NotificationRequested[],
  now: Date,
): Promise<number> {
  return db.transaction(async (tx) => {
    const todo = await claimMessages(tx, inbox, requests);
    if (todo.length === 0) return 0;
    const rules = await loadRules(
      tx,
      todo.map((r) => r.userId),
      todo.map((r) => r.contactMethodId).filter((id) => id !== ''),
    );
    const closed = new Map(
      (
        await queryRows<{ incident_id: string; status: string }>(
          tx,
          sql`select incident_id, status from ${incidentState}
              where status <> 'triggered' and incident_id = any(${sql.param([...new Set(todo.map((r) => r.incidentId))])}::text[])`,
        )
      ).map((r) => [r.incident_id, r.status]),
    );
    const rows: NewAttempt[] = [];
    for (const r of todo) {
      const requestedAt = dateOf(r.requestedAt, now);
      const status = closed.get(r.incidentId);
      const closedAs = status && stopsNotification(r.reason, status) ? status : undefined;
      for (const a of planAttempts(
        { id: r.id, userId: r.userId, urgency: r.urgency, requestedAt, contactMethodId: r.contactMethodId },
        rules,
      )) {
        rows.push({
          id: newMessageId(now),
          requestId: r.id,
          incidentId: r.incidentId,
          userId: r.userId,
          ruleId: a.ruleId,
          escalationCycle: r.escalationCycle,
          escalationLevel: r.escalationLevel,
          contactMethodId: a.contactMethodId,
          channel: a.channel,
          address: a.address,
          urgency: r.urgency || 'high',
          reason: r.reason,
          serviceId: r.serviceId,
          incidentTitle: r.incidentTitle,
          incidentNumber: Number(r.incidentNumber),
          state: a.failure ? 'failed' : closedAs ? 'cancelled' : 'pending',
          dueAt: a.dueAt,
          tries: 0,
          detail: a.failure ?? (closedAs ? `incident ${closedAs}` : null),
          providerRef: null,
          createdAt: now,
          finishedAt: a.failure || closedAs ? now : null,
          leaseUntil: null,
          handoff: r.handoff ? handoffOf(r.handoff) : null,
        });
      }
    }
    const inserted = await insertAttempts(tx, rows);
    const failed = deliveredMessages(
      inserted.filter((a) => a.state === 'failed').map((a) => ({ ...a, ok: false, detail: a.detail ?? 'failed' })),
      now,
    );
    if (failed.length > 0) await enqueueOutbox(tx, outbox, failed);
    return inserted.length;
  });
}

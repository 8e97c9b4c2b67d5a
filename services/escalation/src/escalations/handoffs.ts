import { encode, timestampFromDate, topics } from '@klaxon/contracts';
import { type Executor, enqueueOutbox } from '@klaxon/db';
import { type DueTimerPoller, startDueTimerPoller } from '@klaxon/runtime';
import { parseSchedule, type Schedule } from '@klaxon/schedules';
import {
  allEntities,
  claimDueHandoffs,
  type EscalationPolicySnapshot,
  findEntities,
  type HandoffTimerRow,
  lockPlan,
  markFired,
  outbox,
  overridesOf,
  readPlan,
  replaceHandoffs,
  replicaFingerprint,
  type ScheduleSnapshot,
  savePlan,
} from '../db';
import {
  HANDOFF_HORIZON_MS,
  type HandoffRule,
  handoffSchedules,
  MAX_ADVANCE_MS,
  planHandoffs,
} from '../domain/handoffs';
import type { EscalationContext } from './context';

/** The catalog's `oncall_handoff_notification_rule` snapshot (PagerDuty's HandoffNotificationRule and its user). */
interface HandoffRuleSnapshot {
  id: string;
  user: { id: string };
  handoff_type?: string;
  notify_advance_in_minutes?: number;
  contact_method: { id: string };
}

const isSchedule = (type: string) => type === 'schedule' || type === 'schedule_reference';
/** Fired handoffs are kept this long, then forgotten (a replan never revives one sooner). */
const KEEP_FIRED_MS = 2 * MAX_ADVANCE_MS;

/** Everything a plan reads from the replica: the schedules that count (with overrides) and the rules. */
async function loadPlanInputs(ex: Executor, from: Date, until: Date, log: EscalationContext['log']) {
  const policies = await allEntities<EscalationPolicySnapshot>(ex, 'escalation_policy');
  const wanted = handoffSchedules(
    policies.map((p) => ({
      handoffs: String(p.on_call_handoff_notifications ?? 'if_has_services'),
      hasServices: Array.isArray(p.services) && p.services.length > 0,
      scheduleIds: p.escalation_rules.flatMap((r) => r.targets.filter((t) => isSchedule(t.type)).map((t) => t.id)),
    })),
  );
  const snapshots = await findEntities<ScheduleSnapshot>(ex, 'schedule', [...wanted]);
  const overrides = await overridesOf(ex, [...snapshots.keys()], from, until);
  const schedules = new Map<string, Schedule>();
  for (const [id, snapshot] of snapshots) {
    const parsed = parseSchedule(snapshot, overrides.get(id));
    if (parsed.ok) schedules.set(id, parsed.value);
    else log.warn({ scheduleId: id, errors: parsed.errors }, 'schedule_unrenderable');
  }
  const rules: HandoffRule[] = (await allEntities<HandoffRuleSnapshot>(ex, 'oncall_handoff_notification_rule')).map(
    (r) => ({
      id: r.id,
      userId: r.user.id,
      contactMethodId: r.contact_method.id,
      advanceMinutes: r.notify_advance_in_minutes ?? 0,
      type: r.handoff_type ?? 'both',
    }),
  );
  return { schedules, rules };
}

/**
 * Plans the handoffs of the next HANDOFF_HORIZON_MS again when the catalog entities they come from
 * changed (a schedule edit, an override, a rule, a policy's services) or the plan runs short, under
 * the plan row's lock so replicas never interleave plans. Returns whether it planned.
 */
export async function planHandoffsIfStale(ctx: EscalationContext, now: Date): Promise<boolean> {
  const seen = await readPlan(ctx.db);
  const fresh = (plan: { fingerprint: string; plannedUntil: Date }, fingerprint: string) =>
    plan.fingerprint === fingerprint && plan.plannedUntil.getTime() - now.getTime() > HANDOFF_HORIZON_MS / 2;
  if (seen && fresh(seen, await replicaFingerprint(ctx.db))) return false;
  return ctx.db.transaction(async (tx) => {
    const plan = await lockPlan(tx);
    const fingerprint = await replicaFingerprint(tx);
    if (fresh(plan, fingerprint)) return false;
    const until = new Date(now.getTime() + HANDOFF_HORIZON_MS);
    const renderUntil = new Date(until.getTime() + MAX_ADVANCE_MS + 86_400_000);
    const { schedules, rules } = await loadPlanInputs(tx, new Date(now.getTime() - 86_400_000), renderUntil, ctx.log);
    const planned = planHandoffs(schedules, rules, now.getTime(), until.getTime());
    await replaceHandoffs(tx, planned, now, KEEP_FIRED_MS);
    await savePlan(tx, fingerprint, until);
    ctx.log.info({ handoffs: planned.length, schedules: schedules.size, until }, 'handoffs_planned');
    return true;
  });
}

/** The notifications.requested of a handoff: no incident, the rule's contact method, the shift. */
function handoffMessage(row: HandoffTimerRow, schedule: ScheduleSnapshot | undefined) {
  return encode(topics.notificationsRequested, {
    // The timer's key: a replayed message (or a replica racing it) asks notify for nothing new.
    id: `handoff.${row.key}`,
    userId: row.userId,
    contactMethodId: row.contactMethodId,
    reason: 'oncall_handoff',
    requestedAt: timestampFromDate(row.dueAt),
    handoff: {
      kind: row.kind,
      scheduleId: row.scheduleId,
      scheduleName: schedule?.name ?? schedule?.summary ?? row.scheduleId,
      shiftStart: timestampFromDate(row.shiftStart),
      shiftEnd: timestampFromDate(row.shiftEnd),
      timeZone: schedule?.time_zone ?? 'UTC',
    },
  });
}

/** Claims due handoffs (SKIP LOCKED), queues their notifications and marks them fired, in one transaction. */
async function fireHandoffs(ctx: EscalationContext, now: Date, limit: number): Promise<number> {
  await planHandoffsIfStale(ctx, now);
  return ctx.db.transaction(async (tx) => {
    const due = await claimDueHandoffs(tx, now, limit);
    if (due.length === 0) return 0;
    const schedules = await findEntities<ScheduleSnapshot>(tx, 'schedule', [...new Set(due.map((d) => d.scheduleId))]);
    await enqueueOutbox(
      tx,
      outbox,
      due.map((row) => handoffMessage(row, schedules.get(row.scheduleId))),
    );
    await markFired(
      tx,
      due.map((d) => d.key),
      now,
    );
    for (const d of due)
      ctx.log.info({ userId: d.userId, scheduleId: d.scheduleId, kind: d.kind }, 'handoff_notification_requested');
    return due.length;
  });
}

/** Plans and fires handoff notifications on the injected clock; any replica may run it. */
export function startHandoffTimers(
  ctx: EscalationContext,
  options: { pollMs: number; batch?: number },
): DueTimerPoller {
  return startDueTimerPoller({
    clock: ctx.clock,
    log: ctx.log,
    pollMs: options.pollMs,
    batch: options.batch ?? 200,
    fireBatch: (now, limit) => fireHandoffs(ctx, now, limit),
    published: ctx.published,
    failure: 'handoff_timer_poll_failed',
  });
}

import type { Executor } from '@klaxon/db';
import { onCallAt, parseSchedule, type Schedule, type TargetRef, usersForTargets } from '@klaxon/schedules';
import type { Logger } from 'pino';
import { findEntities, overridesOf, type ScheduleSnapshot, type UserSnapshot } from '../db';
import type { PolicyPlan, Reach } from '../domain/escalation-run';

const isSchedule = (type: string) => type === 'schedule' || type === 'schedule_reference';
const isUser = (type: string) => type === 'user' || type === 'user_reference';

/**
 * Loads, in a few statements for a whole batch, what resolving these policies' targets needs: their
 * schedules (with the overrides around the batch's instants) and which users still exist. Returns
 * the resolver at an instant: users directly, schedules to whoever is on call then; a deleted user
 * reaches nobody.
 */
export async function loadReach(
  ex: Executor,
  plans: readonly PolicyPlan[],
  instants: readonly Date[],
  log: Pick<Logger, 'warn'>,
): Promise<(at: Date) => Reach> {
  const targets = plans.flatMap((p) => p.levels.flatMap((l) => l.targets));
  const scheduleIds = [...new Set(targets.filter((t) => isSchedule(t.type)).map((t) => t.id))];
  const snapshots = await findEntities<ScheduleSnapshot>(ex, 'schedule', scheduleIds);
  const times = instants.map((d) => d.getTime());
  const since = new Date(Math.min(...times));
  const until = new Date(Math.max(...times) + 1);
  const overrides = scheduleIds.length > 0 ? await overridesOf(ex, [...snapshots.keys()], since, until) : new Map();
  const schedules = new Map<string, Schedule>();
  for (const [id, snapshot] of snapshots) {
    const parsed = parseSchedule(snapshot, overrides.get(id));
    if (parsed.ok) schedules.set(id, parsed.value);
    else log.warn({ scheduleId: id, errors: parsed.errors }, 'schedule_unrenderable');
  }
  const userIds = new Set(targets.filter((t) => isUser(t.type)).map((t) => t.id));
  for (const s of schedules.values()) {
    for (const layer of s.layers) for (const id of layer.userIds) userIds.add(id);
    for (const o of s.overrides) userIds.add(o.userId);
  }
  const live = await findEntities<UserSnapshot>(ex, 'user', [...userIds]);
  const scheduleOf = (id: string) => schedules.get(id);
  // Who each schedule has on call at each instant, rendered once per batch: a timer batch resolves
  // hundreds of runs at one instant over a few schedules, and a rendering costs a millisecond or more
  // (bench:escalation: 179 escalations/s before this memo).
  const onCall = new Map<string, string[]>();
  const onCallMemo = (schedule: Schedule, instant: Date | number, scheduleId: string) => {
    const key = `${scheduleId}@${typeof instant === 'number' ? instant : instant.getTime()}`;
    let users = onCall.get(key);
    if (!users) {
      users = onCallAt(schedule, instant);
      onCall.set(key, users);
    }
    return users;
  };
  const resolve = (targets: readonly TargetRef[], at: Date) =>
    usersForTargets(targets, at, scheduleOf, onCallMemo).filter((u) => live.has(u.userId));

  return (at) => (levelTargets: readonly TargetRef[]) => {
    const users = resolve(levelTargets, at);
    const unreached: string[] = [];
    for (const target of levelTargets) {
      const reached = resolve([target], at);
      if (reached.length > 0) continue;
      if (isUser(target.type)) unreached.push(`user ${target.id} does not exist`);
      else if (isSchedule(target.type))
        unreached.push(
          schedules.has(target.id) ? `schedule ${target.id} has nobody on call` : `schedule ${target.id} not found`,
        );
      else unreached.push(`${target.type} ${target.id} is not supported`);
    }
    return { users, unreached };
  };
}

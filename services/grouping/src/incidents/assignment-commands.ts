import { AssignmentCommandKind, type IncidentAssignmentCommand, timestampDate } from '@klaxon/contracts';
import { claimMessages, type Executor, insertMany } from '@klaxon/db';
import { inArray, sql } from 'drizzle-orm';
import { type IncidentRow, inbox, lockIncidents, pendingEscalations } from '../db';
import { lifecycle } from '../domain';
import { type Cause, createTransitionBatch, type TransitionBatch } from './commit';
import type { GroupingContext } from './context';
import { addPolicyResponders } from './responders';
import { stateOf } from './state';

/** What became of one command: applied, or ignored because the incident moved on (or is unknown). */
export type CommandResult = 'applied' | 'stale' | 'unknown-incident' | 'duplicate';

// Escalation acts on the incident's own policy, as PagerDuty's "auto" channel: no user is the agent.
const AUTO: Cause = { actor: null, channel: { type: 'auto' } };
const TIMEOUT: Cause = { actor: null, channel: { type: 'timeout' } };

/**
 * A command applies only to the incident escalation decided on: still triggered, still assigned by
 * its escalation policy (direct assignments do not escalate), on the same policy and level. Anything
 * else means a responder or a newer command moved it on, and the command is stale.
 */
function isCurrent(row: IncidentRow, command: IncidentAssignmentCommand): boolean {
  return (
    row.status === 'triggered' &&
    row.assignedVia === 'escalation_policy' &&
    (row.escalationPolicyId ?? '') === command.escalationPolicyId &&
    row.escalationLevel === command.expectedLevel
  );
}

/**
 * Applies one command to its locked incident in `batch`: assignments and escalations through the
 * lifecycle (assign_log_entry / escalate_log_entry and incidents.changed); the repeat, exhausted
 * and nobody cases add their own log entry. Returns the incident as the command leaves it.
 */
function applyCommand(
  batch: TransitionBatch,
  row: IncidentRow,
  command: IncidentAssignmentCommand,
  at: Date,
): IncidentRow {
  const log = (type: string, cause: Cause, extra: Record<string, unknown> = {}) =>
    batch.log({ type, incidentId: row.id, serviceId: row.serviceId, cause, at, extra });
  const state = stateOf(row);
  switch (command.kind) {
    case AssignmentCommandKind.ASSIGN: {
      const result = lifecycle.reassign(state, [...command.assigneeIds], at);
      return result.ok ? batch.apply(row, result, AUTO, at) : row;
    }
    case AssignmentCommandKind.REPEAT:
    case AssignmentCommandKind.ESCALATE: {
      if (command.kind === AssignmentCommandKind.REPEAT) log('repeat_escalation_path', TIMEOUT);
      // The running escalation follows its snapshot of the policy, whatever the policy says now.
      const result = lifecycle.escalate(state, command.escalationLevel, command.escalationLevel, at);
      if (!result.ok) return row;
      const withAssignees = { ...result, incident: { ...result.incident, assigneeIds: [...command.assigneeIds] } };
      return batch.apply(row, withAssignees, TIMEOUT, at);
    }
    case AssignmentCommandKind.EXHAUSTED:
      log('exhaust_escalation_path', TIMEOUT);
      return row;
    case AssignmentCommandKind.NOBODY:
      // The incident stays visible, unassigned; the entry's note says which targets reached nobody.
      log('exhaust_escalation_path', { ...AUTO, note: command.reason }, { assignees: [] });
      return row;
    default:
      return row;
  }
}

/**
 * Stores when each applied command says its incident escalates next (none: exhausted, nobody, last
 * level): the last command of each incident wins.
 */
async function recordPendingEscalations(
  tx: Executor,
  commands: ReadonlyMap<string, IncidentAssignmentCommand>,
): Promise<void> {
  const last = [...commands.values()];
  const cleared = last.filter((c) => !c.escalateAt).map((c) => c.incidentId);
  if (cleared.length > 0) await tx.delete(pendingEscalations).where(inArray(pendingEscalations.incidentId, cleared));
  await insertMany(
    tx,
    pendingEscalations,
    last.flatMap((c) =>
      c.escalateAt
        ? [
            {
              incidentId: c.incidentId,
              escalationPolicyId: c.escalationPolicyId,
              level: c.escalationLevel,
              dueAt: timestampDate(c.escalateAt),
            },
          ]
        : [],
    ),
    {
      onConflict: sql`(incident_id) do update set escalation_policy_id = excluded.escalation_policy_id,
        level = excluded.level, due_at = excluded.due_at`,
    },
  );
}

/**
 * Applies a partition's batch of incidents.assignments commands in ONE transaction: one inbox claim
 * for all of them (a redelivered command changes nothing twice), one statement locking their
 * incidents, each command through the lifecycle in memory, then the incidents, log entries, pending
 * escalations and incidents.changed written set-based together. Results in the order of the commands.
 */
export function applyAssignmentCommands(
  ctx: GroupingContext,
  commands: readonly IncidentAssignmentCommand[],
): Promise<CommandResult[]> {
  return ctx.db.transaction(async (tx) => {
    const todo = await claimMessages(tx, inbox, commands);
    const locked = new Map(
      (await lockIncidents(tx, [...new Set(todo.map((c) => c.incidentId))])).map((r) => [r.id, r]),
    );
    const results = new Map<IncidentAssignmentCommand, CommandResult>();
    const batch = createTransitionBatch(tx, ctx);
    const pending = new Map<string, IncidentAssignmentCommand>();
    for (const command of todo) {
      const row = locked.get(command.incidentId);
      if (!row) {
        results.set(command, 'unknown-incident');
        continue;
      }
      if (command.kind === AssignmentCommandKind.ADD_RESPONDERS) {
        // Responders join an open incident whatever its level or assignment.
        if (row.status === 'resolved') results.set(command, 'stale');
        else {
          // addPolicyResponders writes the incident itself: it must see, and be seen by, the batch.
          await batch.write();
          await addPolicyResponders(
            tx,
            command,
            command.requestedAt ? timestampDate(command.requestedAt) : ctx.clock.now(),
          );
          const [fresh] = await lockIncidents(tx, [row.id]);
          if (fresh) locked.set(row.id, fresh);
          results.set(command, 'applied');
        }
        continue;
      }
      if (!isCurrent(row, command)) {
        results.set(command, 'stale');
        ctx.log.debug({ incidentId: row.id, commandId: command.id, kind: command.kind }, 'assignment_command_stale');
        continue;
      }
      const at = command.requestedAt ? timestampDate(command.requestedAt) : ctx.clock.now();
      locked.set(row.id, applyCommand(batch, row, command, at));
      pending.set(command.incidentId, command);
      results.set(command, 'applied');
    }
    await batch.write();
    await recordPendingEscalations(tx, pending);
    // Rendered after the pending escalations are stored: the views show them.
    await batch.publish();
    return commands.map((c) => results.get(c) ?? 'duplicate');
  });
}

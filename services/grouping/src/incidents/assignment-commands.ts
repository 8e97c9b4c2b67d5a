import { AssignmentCommandKind, type IncidentAssignmentCommand, timestampDate } from '@klaxon/contracts';
import { claimMessages, type Executor } from '@klaxon/db';
import { eq } from 'drizzle-orm';
import { type IncidentRow, inbox, lockIncidents, pendingEscalations } from '../db';
import { lifecycle } from '../domain';
import { type Cause, type ChangeBatch, commitTransition, createChangeBatch, insertLogEntry } from './commit';
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
 * Applies one command to its locked incident: assignments and escalations through the lifecycle
 * (assign_log_entry / escalate_log_entry and incidents.changed, by commitTransition); the
 * repeat, exhausted and nobody cases add their own log entry.
 */
async function applyCommand(
  tx: Executor,
  ctx: GroupingContext,
  row: IncidentRow,
  command: IncidentAssignmentCommand,
  at: Date,
  changes: ChangeBatch,
): Promise<IncidentRow> {
  const log = (type: string, cause: Cause, extra: Record<string, unknown> = {}) =>
    insertLogEntry(tx, { type, incidentId: row.id, serviceId: row.serviceId, cause, at, extra });
  const state = stateOf(row);
  switch (command.kind) {
    case AssignmentCommandKind.ASSIGN: {
      const result = lifecycle.reassign(state, [...command.assigneeIds], at);
      return result.ok ? commitTransition(tx, ctx, row, result, AUTO, at, {}, changes) : row;
    }
    case AssignmentCommandKind.REPEAT:
    case AssignmentCommandKind.ESCALATE: {
      if (command.kind === AssignmentCommandKind.REPEAT) await log('repeat_escalation_path', TIMEOUT);
      // The running escalation follows its snapshot of the policy, whatever the policy says now.
      const result = lifecycle.escalate(state, command.escalationLevel, command.escalationLevel, at);
      if (!result.ok) return row;
      const withAssignees = { ...result, incident: { ...result.incident, assigneeIds: [...command.assigneeIds] } };
      return commitTransition(tx, ctx, row, withAssignees, TIMEOUT, at, {}, changes);
    }
    case AssignmentCommandKind.EXHAUSTED:
      await log('exhaust_escalation_path', TIMEOUT);
      return row;
    case AssignmentCommandKind.NOBODY:
      // The incident stays visible, unassigned; the entry's note says which targets reached nobody.
      await log('exhaust_escalation_path', { ...AUTO, note: command.reason }, { assignees: [] });
      return row;
    default:
      return row;
  }
}

/** Keeps when the applied command says the incident escalates next (none: exhausted, nobody, last level). */
async function recordPendingEscalation(tx: Executor, command: IncidentAssignmentCommand): Promise<void> {
  if (!command.escalateAt) {
    await tx.delete(pendingEscalations).where(eq(pendingEscalations.incidentId, command.incidentId));
    return;
  }
  const row = {
    incidentId: command.incidentId,
    escalationPolicyId: command.escalationPolicyId,
    level: command.escalationLevel,
    dueAt: timestampDate(command.escalateAt),
  };
  await tx
    .insert(pendingEscalations)
    .values(row)
    .onConflictDoUpdate({ target: pendingEscalations.incidentId, set: row });
}

/**
 * Applies a partition's batch of incidents.assignments commands in ONE transaction: one inbox claim
 * for all of them (a redelivered command changes nothing twice), one statement locking their
 * incidents, then each command through the lifecycle (one per incident and escalation step), their
 * incidents.changed rendered and queued together at the end. Results in the order of the commands.
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
    const changes = createChangeBatch(tx, ctx);
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
          await addPolicyResponders(
            tx,
            command,
            command.requestedAt ? timestampDate(command.requestedAt) : ctx.clock.now(),
          );
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
      locked.set(row.id, await applyCommand(tx, ctx, row, command, at, changes));
      await recordPendingEscalation(tx, command);
      results.set(command, 'applied');
    }
    await changes.publish();
    return commands.map((c) => results.get(c) ?? 'duplicate');
  });
}

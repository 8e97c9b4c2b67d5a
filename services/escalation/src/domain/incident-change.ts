/**
 * What escalation does about one incidents.changed message, and about one due timer: pure, on the
 * run's state. The outcome is the run's new state, at most one command for grouping
 * (incidents.assignments) and at most one notification request per assignee.
 *
 * Escalation's own commands come back as incidents.changed too (REASSIGNED for an assignment,
 * ESCALATED for an escalation); that is when their assignees are notified, so a command grouping
 * found stale notifies nobody. An ESCALATED that is not the run's own (a responder's
 * `escalation_level`) restarts the run at that level and assigns that level's on-call.
 */
import { dueAfter, hasNext, nextStep, type PolicyPlan, type Reach, sameUsers } from './escalation-run';

export interface RunState {
  policy: PolicyPlan;
  level: number;
  cycle: number;
  assigneeIds: string[];
  active: boolean;
  dueAt: Date | null;
}

/** What escalation reads of an incidents.changed message. */
export interface IncidentFacts {
  status: 'triggered' | 'acknowledged' | 'resolved';
  changes: readonly (
    | 'triggered'
    | 'acknowledged'
    | 'escalated'
    | 'reassigned'
    | 'resolved'
    | 'unacknowledged'
    | 'delegated'
  )[];
  level: number;
  assigneeIds: string[];
  policyId: string;
  /** `assigned_via: direct_assignment`: PagerDuty does not escalate directly assigned incidents. */
  directlyAssigned: boolean;
  at: Date;
}

export type CommandKind = 'assign' | 'escalate' | 'repeat' | 'exhausted' | 'nobody';

export interface CommandDraft {
  kind: CommandKind;
  expectedLevel: number;
  level: number;
  cycle: number;
  assigneeIds: string[];
  reason: string;
  /** When the next level follows unless acknowledged (PagerDuty's pending `escalate`); null: none follows. */
  escalateAt: Date | null;
}

export interface NotifyDraft {
  userIds: string[];
  reason: 'assigned' | 'escalated' | 'responder_request';
  level: number;
  cycle: number;
  /** The urgency whose notification rules apply; absent: the incident's. */
  urgency?: 'high' | 'low';
}

export interface Decision {
  /** The run's new state; absent: unchanged (or still none). */
  run?: RunState;
  command?: CommandDraft;
  notify?: NotifyDraft;
}

const stopped = (run: RunState): RunState => ({ ...run, active: false, dueAt: null });

/**
 * Moves a run on from `from` at `at`: assigns the first level reaching somebody (the level itself
 * when `inclusive`), or says the path is exhausted or reaches nobody. `current` is the incident's
 * level, which grouping checks the command against.
 */
export function advance(
  plan: PolicyPlan,
  from: { level: number; cycle: number },
  current: number,
  at: Date,
  reach: Reach,
  inclusive: boolean,
): Required<Pick<Decision, 'run' | 'command'>> {
  const step = nextStep(plan, from, reach, inclusive);
  const base = { expectedLevel: current, reason: '', escalateAt: null };
  if (step.kind === 'assign') {
    const kind: CommandKind = step.repeated ? 'repeat' : step.level === current && inclusive ? 'assign' : 'escalate';
    const dueAt = dueAfter(plan, step.level, at);
    return {
      run: { policy: plan, level: step.level, cycle: step.cycle, assigneeIds: step.userIds, active: true, dueAt },
      command: {
        ...base,
        kind,
        level: step.level,
        cycle: step.cycle,
        assigneeIds: step.userIds,
        // The timer at the last level of the last loop only exhausts the path: nothing escalates then.
        escalateAt: hasNext(plan, step) ? dueAt : null,
      },
    };
  }
  const run = { policy: plan, level: current, cycle: from.cycle, assigneeIds: [], active: true, dueAt: null };
  return step.kind === 'exhausted'
    ? { run, command: { ...base, kind: 'exhausted', level: current, cycle: from.cycle, assigneeIds: [] } }
    : {
        run,
        command: { ...base, kind: 'nobody', level: current, cycle: from.cycle, assigneeIds: [], reason: step.reason },
      };
}

/**
 * The decision for one incidents.changed message. `policy` is the catalog's policy now (taken as the
 * run's snapshot when a run starts); `reach` resolves targets at the message's instant.
 */
export function decideChange(
  run: RunState | undefined,
  facts: IncidentFacts,
  policy: PolicyPlan | undefined,
  reach: Reach,
): Decision {
  const has = (kind: IncidentFacts['changes'][number]) => facts.changes.includes(kind);
  if (facts.status === 'resolved') return run ? { run: stopped(run) } : {};
  const notifyAssignees = (reason: NotifyDraft['reason'], cycle: number): NotifyDraft | undefined =>
    facts.assigneeIds.length > 0 ? { userIds: facts.assigneeIds, reason, level: facts.level, cycle } : undefined;
  const start = (from: { level: number; cycle: number }): Decision => {
    // A trigger or a delegation takes the policy as it is now; anything else follows the run's snapshot.
    const plan = has('triggered') || has('delegated') ? policy : (run?.policy ?? policy);
    if (!plan) {
      const reason = `Escalation policy ${facts.policyId || '(none)'} not found.`;
      return {
        command: {
          kind: 'nobody',
          expectedLevel: facts.level,
          level: facts.level,
          cycle: 0,
          assigneeIds: [],
          reason,
          escalateAt: null,
        },
      };
    }
    return advance(plan, from, facts.level, facts.at, reach, true);
  };

  if (facts.directlyAssigned) {
    // Out of escalation: the assignees chosen by hand are notified, and nothing escalates further.
    const notify =
      has('triggered') || has('reassigned') || has('unacknowledged') ? notifyAssignees('assigned', 0) : undefined;
    return { ...(run ? { run: stopped(run) } : {}), ...(notify ? { notify } : {}) };
  }
  if (has('triggered')) {
    if (facts.status !== 'triggered') return {};
    return start({ level: facts.level, cycle: 0 });
  }
  if (has('delegated')) return start({ level: 1, cycle: 0 });
  if (has('escalated') || has('reassigned')) {
    const own = run?.active && run.level === facts.level && sameUsers(run.assigneeIds, facts.assigneeIds);
    if (run && (own || !has('escalated'))) {
      const notify = notifyAssignees(has('escalated') ? 'escalated' : 'assigned', run.cycle);
      return notify ? { notify } : {};
    }
    return start({ level: facts.level, cycle: run?.cycle ?? 0 });
  }
  if (has('unacknowledged') && facts.status === 'triggered') {
    // The acknowledgement timed out: escalation starts again at the incident's level.
    if (run && !run.active) return {};
    return start({ level: facts.level, cycle: run?.cycle ?? 0 });
  }
  if (has('acknowledged') && run) return { run: { ...run, dueAt: null } };
  return {};
}

/** The decision for a run whose timer fell due at `now`: the next level (or loop), else the end. */
export function decideTimer(run: RunState, now: Date, reach: Reach): Required<Pick<Decision, 'run' | 'command'>> {
  return advance(run.policy, { level: run.level, cycle: run.cycle }, run.level, now, reach, false);
}

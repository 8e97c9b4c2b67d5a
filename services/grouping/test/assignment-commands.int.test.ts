import { publishTo } from '@klaxon/bus';
import {
  AssignmentCommandKind,
  EventAction,
  type IncidentAssignmentCommand,
  IncidentChangeKind,
  timestampFromDate,
  topics,
} from '@klaxon/contracts';
import { sql } from '@klaxon/db';
import { newMessageId } from '@klaxon/ids';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service } from './harness';

// Escalation's commands on incidents.assignments: grouping applies each once, through the incident
// lifecycle, and ignores one that is stale (the incident acknowledged or at another level).
describe('incidents.assignments commands', () => {
  let h: Harness;
  const incidentFor = async (key: string) =>
    (await h.alertsOf('PASSIGN')).find((a) => a.alert_key === key)?.incident_id ?? '';
  const stateOf = async (id: string) =>
    (
      await h.rows<{ version: number; escalation_level: number; assignments: { userId: string }[]; status: string }>(
        sql`select version, escalation_level, assignments, status from grouping.incidents where id = ${id}`,
      )
    )[0];
  const logOf = (id: string) =>
    h.rows<{ type: string; note: string | null }>(
      sql`select type, note from grouping.log_entries where incident_id = ${id} order by seq`,
    );
  const applied = (ids: string[]) =>
    waitFor(
      async () =>
        (
          await h.rows<{ n: number }>(
            sql`select count(*)::int n from grouping.inbox where message_id = any(${sql.param(ids)}::text[])`,
          )
        )[0]?.n === ids.length,
      { what: 'commands applied' },
    );
  const send = async (inits: Omit<Partial<IncidentAssignmentCommand>, '$typeName' | '$unknown'>[]) => {
    const messages = inits.map((init) => ({
      id: newMessageId(),
      kind: AssignmentCommandKind.ASSIGN,
      escalationPolicyId: 'PEP0001',
      expectedLevel: 1,
      escalationLevel: 1,
      requestedAt: timestampFromDate(h.clock.now()),
      ...init,
    }));
    await publishTo(h.bus, topics.incidentsAssignments, messages);
    await applied(messages.map((m) => m.id as string));
    return messages;
  };

  const pending = async (id: string) =>
    ((await h.api('GET', `/incidents/${id}`)).json() as { incident: { pending_actions: unknown[] } }).incident
      .pending_actions;

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog('service', 'PASSIGN', service('PASSIGN'));
  });
  afterAll(() => h.close());

  it('assigns, escalates and logs once; a redelivered command changes nothing', async () => {
    await h.event({ serviceId: 'PASSIGN', dedupKey: 'assign' });
    const id = await incidentFor('assign');
    const [assign] = await send([{ incidentId: id, assigneeIds: ['PALICE'] }]);
    expect(await stateOf(id)).toMatchObject({ escalation_level: 1, assignments: [{ userId: 'PALICE' }] });
    const version = (await stateOf(id))?.version;
    // Redelivered before the next command: the inbox keeps it from applying (or bumping the version) twice.
    if (assign) await publishTo(h.bus, topics.incidentsAssignments, [assign]);
    await send([
      {
        incidentId: id,
        kind: AssignmentCommandKind.ESCALATE,
        expectedLevel: 1,
        escalationLevel: 2,
        assigneeIds: ['PCAROL'],
      },
    ]);
    expect(await stateOf(id)).toMatchObject({
      version: (version ?? 0) + 1,
      escalation_level: 2,
      assignments: [{ userId: 'PCAROL' }],
    });
    await send([{ incidentId: id, kind: AssignmentCommandKind.EXHAUSTED, expectedLevel: 2, escalationLevel: 2 }]);
    expect((await logOf(id)).map((e) => e.type)).toEqual(['trigger', 'assign', 'escalate', 'exhaust_escalation_path']);
    await waitFor(() => h.changes.filter((c) => c.incidentId === id).length === 3, { what: 'three changes' });
    expect(h.changes.filter((c) => c.incidentId === id).map((c) => c.changes)).toEqual([
      [IncidentChangeKind.TRIGGERED],
      [IncidentChangeKind.REASSIGNED],
      [IncidentChangeKind.ESCALATED],
    ]);
  });

  it('ignores a command for another level or an acknowledged incident', async () => {
    await h.event({ serviceId: 'PASSIGN', dedupKey: 'stale' });
    const id = await incidentFor('stale');
    await send([
      {
        incidentId: id,
        kind: AssignmentCommandKind.ESCALATE,
        expectedLevel: 2,
        escalationLevel: 3,
        assigneeIds: ['PX'],
      },
    ]);
    expect(await stateOf(id)).toMatchObject({ escalation_level: 1, assignments: [] });
    await h.event({ serviceId: 'PASSIGN', dedupKey: 'stale', action: EventAction.ACKNOWLEDGE });
    await send([{ incidentId: id, assigneeIds: ['PALICE'] }]);
    expect(await stateOf(id)).toMatchObject({ status: 'acknowledged', assignments: [] });
    expect((await logOf(id)).map((e) => e.type)).toEqual(['trigger', 'acknowledge']);
  });

  it('logs why when the policy reaches nobody, leaving the incident unassigned', async () => {
    await h.event({ serviceId: 'PASSIGN', dedupKey: 'nobody' });
    const id = await incidentFor('nobody');
    const reason = 'No one to assign on escalation policy PEP0001 (level 1: schedule PS has nobody on call).';
    await send([{ incidentId: id, kind: AssignmentCommandKind.NOBODY, reason }]);
    expect(await logOf(id)).toEqual([
      { type: 'trigger', note: null },
      { type: 'exhaust_escalation_path', note: reason },
    ]);
    expect(await stateOf(id)).toMatchObject({ status: 'triggered', assignments: [] });
  });

  it("shows the command's next escalation as a pending escalate action until the incident moves on", async () => {
    await h.event({ serviceId: 'PASSIGN', dedupKey: 'pending' });
    const id = await incidentFor('pending');
    const escalateAt = new Date(h.clock.now().getTime() + 10 * 60_000);
    await send([{ incidentId: id, assigneeIds: ['PALICE'], escalateAt: timestampFromDate(escalateAt) }]);
    expect(await pending(id)).toEqual([{ type: 'escalate', at: escalateAt.toISOString() }]);
    // The last level: escalation says nothing follows.
    await send([
      {
        incidentId: id,
        kind: AssignmentCommandKind.ESCALATE,
        expectedLevel: 1,
        escalationLevel: 2,
        assigneeIds: ['PB'],
      },
    ]);
    expect(await pending(id)).toEqual([]);
    await send([
      {
        incidentId: id,
        kind: AssignmentCommandKind.ASSIGN,
        expectedLevel: 2,
        escalationLevel: 2,
        assigneeIds: ['PB'],
        escalateAt: timestampFromDate(escalateAt),
      },
    ]);
    expect(await pending(id)).toHaveLength(1);
    await h.event({ serviceId: 'PASSIGN', dedupKey: 'pending', action: EventAction.ACKNOWLEDGE });
    await waitFor(async () => (await stateOf(id))?.status === 'acknowledged', { what: 'acknowledged' });
    expect(await pending(id)).toEqual([]);
  });

  it('applies a batch of commands on several incidents as one after the other would', async () => {
    for (const key of ['batch-a', 'batch-b', 'batch-c']) await h.event({ serviceId: 'PASSIGN', dedupKey: key });
    const [a, b, c] = await Promise.all(['batch-a', 'batch-b', 'batch-c'].map(incidentFor));
    const versions = await Promise.all([a, b, c].map(async (id) => (await stateOf(id ?? ''))?.version ?? 0));
    const escalateAt = new Date(h.clock.now().getTime() + 5 * 60_000);
    // Published together: A is assigned, escalated and repeated within the batch; B is assigned with
    // a pending escalation; C reaches nobody.
    await send([
      { incidentId: a, assigneeIds: ['PALICE'], escalateAt: timestampFromDate(escalateAt) },
      { incidentId: b, assigneeIds: ['PBOB'], escalateAt: timestampFromDate(escalateAt) },
      {
        incidentId: a,
        kind: AssignmentCommandKind.ESCALATE,
        expectedLevel: 1,
        escalationLevel: 2,
        assigneeIds: ['PCAROL'],
      },
      { incidentId: c, kind: AssignmentCommandKind.NOBODY, reason: 'nobody on call' },
      {
        incidentId: a,
        kind: AssignmentCommandKind.REPEAT,
        expectedLevel: 2,
        escalationLevel: 1,
        assigneeIds: ['PALICE'],
      },
    ]);
    expect(await stateOf(a ?? '')).toMatchObject({
      version: (versions[0] ?? 0) + 3,
      escalation_level: 1,
      assignments: [{ userId: 'PALICE' }],
    });
    expect(await stateOf(b ?? '')).toMatchObject({
      version: (versions[1] ?? 0) + 1,
      assignments: [{ userId: 'PBOB' }],
    });
    expect(await stateOf(c ?? '')).toMatchObject({ version: versions[2], assignments: [] });
    expect((await logOf(a ?? '')).map((e) => e.type)).toEqual([
      'trigger',
      'assign',
      'escalate',
      'repeat_escalation_path',
      'escalate',
    ]);
    expect((await logOf(c ?? '')).map((e) => e.type)).toEqual(['trigger', 'exhaust_escalation_path']);
    // The last command on A said nothing follows; B's escalation is pending.
    expect(await pending(a ?? '')).toEqual([]);
    expect(await pending(b ?? '')).toEqual([{ type: 'escalate', at: escalateAt.toISOString() }]);
    const changesOf = (id: string | undefined) =>
      h.changes.filter(
        (m) => m.incidentId === id && m.changes.length > 0 && m.changes[0] !== IncidentChangeKind.TRIGGERED,
      );
    await waitFor(() => changesOf(a).length === 3, { what: "A's three changes" });
    // One message per transition, each with its own version and assignees.
    expect(changesOf(a).map((m) => [m.changes, Number(m.incidentVersion), m.assignedUserIds])).toEqual([
      [[IncidentChangeKind.REASSIGNED], (versions[0] ?? 0) + 1, ['PALICE']],
      [[IncidentChangeKind.ESCALATED], (versions[0] ?? 0) + 2, ['PCAROL']],
      [[IncidentChangeKind.ESCALATED], (versions[0] ?? 0) + 3, ['PALICE']],
    ]);
    expect(JSON.parse(changesOf(a)[2]?.snapshotJson ?? '{}').assignments).toEqual([
      expect.objectContaining({ assignee: expect.objectContaining({ id: 'PALICE' }) }),
    ]);
  });
});

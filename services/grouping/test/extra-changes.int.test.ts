import { IncidentChangeKind } from '@klaxon/contracts';
import { waitFor } from '@klaxon/testing';
import { groupingHarness, type Harness, service, USER } from './harness';

// Changes outside the state machine that notify turns into webhooks v3: a priority change
// (incident.priority_updated) and a note (incident.annotated) publish incidents.changed with who made them.

describe('incidents.changed for priority changes and notes', () => {
  let h: Harness;
  let id: string;
  const changesOf = (kind: IncidentChangeKind) =>
    h.changes.filter((c) => c.incidentId === id && c.changes.includes(kind));

  beforeAll(async () => {
    h = await groupingHarness();
    await h.seedAuth();
    await h.catalog('escalation_policy', 'PEP0001', { name: 'Ops', escalation_rules: [{ id: 'R1' }] });
    await h.catalog('service', 'PXTRA', service('PXTRA'));
    const res = await h.api('POST', '/incidents', { incident: { title: 'Slow checkout', service: { id: 'PXTRA' } } });
    id = res.json().incident.id;
  });
  afterAll(() => h.close());

  it('a new priority publishes PRIORITY_UPDATED with the requester as agent; the same priority again does not', async () => {
    const p1 = { id: 'PKLXPR1', type: 'priority_reference' };
    expect((await h.api('PUT', `/incidents/${id}`, { incident: { type: 'incident', priority: p1 } })).statusCode).toBe(
      200,
    );
    const [published] = await waitFor(() =>
      changesOf(IncidentChangeKind.PRIORITY_UPDATED).length === 1
        ? changesOf(IncidentChangeKind.PRIORITY_UPDATED)
        : undefined,
    );
    expect(JSON.parse(published?.snapshotJson ?? '{}').priority).toMatchObject({ id: 'PKLXPR1' });
    expect(JSON.parse(published?.detail?.agentJson ?? '{}')).toEqual({ id: USER.id, type: 'user_reference' });
    await h.api('PUT', `/incidents/${id}`, {
      incident: { type: 'incident', priority: p1, title: 'Slow checkout (eu)' },
    });
    await h.api('PUT', `/incidents/${id}`, { incident: { type: 'incident', priority: null } });
    await waitFor(() => changesOf(IncidentChangeKind.PRIORITY_UPDATED).length === 2);
    expect(JSON.parse(changesOf(IncidentChangeKind.PRIORITY_UPDATED)[1]?.snapshotJson ?? '{}').priority).toBeNull();
  });

  it('a note publishes ANNOTATED with the note and its author', async () => {
    const res = await h.api('POST', `/incidents/${id}/notes`, { note: { content: 'Rolling back the deploy' } });
    expect(res.statusCode).toBe(200);
    const [published] = await waitFor(() => {
      const found = changesOf(IncidentChangeKind.ANNOTATED);
      return found.length > 0 ? found : undefined;
    });
    expect(published?.detail).toMatchObject({
      agentJson: JSON.stringify({ id: USER.id, type: 'user_reference' }),
      noteId: res.json().note.id,
      noteContent: 'Rolling back the deploy',
    });
  });
});

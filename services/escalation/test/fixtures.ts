import type { escalationHarness } from './harness';

type Harness = Awaited<ReturnType<typeof escalationHarness>>;

const ref = (type: string, id: string) => ({ id, type: `${type}_reference` });

/**
 * A schedule as the catalog publishes it (UTC): Layer 1 has Alice around the clock, Layer 2 (higher)
 * Bob 09:00-17:00 every day, and an override gives Carol 2027-01-04 16:00-18:00. Policy PEP1 pages
 * the schedule at level 1 and Carol directly at level 2.
 */
export async function seedSchedule(h: Harness) {
  await h.catalog('user', 'PALICE', { name: 'Alice', email: 'alice@example.com', role: 'user' });
  await h.catalog('user', 'PBOB', { name: 'Bob', email: 'bob@example.com', role: 'user' });
  await h.catalog('user', 'PCAROL', { name: 'Carol', email: 'carol@example.com', role: 'user' });
  await h.catalog('schedule', 'PSCH1', {
    name: 'Primary',
    summary: 'Primary',
    description: '',
    time_zone: 'UTC',
    schedule_layers: [
      {
        id: 'PLAY1',
        name: 'Layer 1',
        start: '2027-01-01T00:00:00.000Z',
        rotation_virtual_start: '2027-01-01T00:00:00.000Z',
        rotation_turn_length_seconds: 604_800,
        users: [{ user: ref('user', 'PALICE') }],
        restrictions: [],
        rendered_schedule_entries: [],
      },
      {
        id: 'PLAY2',
        name: 'Layer 2',
        start: '2027-01-01T00:00:00.000Z',
        rotation_virtual_start: '2027-01-01T00:00:00.000Z',
        rotation_turn_length_seconds: 86_400,
        users: [{ user: ref('user', 'PBOB') }],
        restrictions: [{ type: 'daily_restriction', start_time_of_day: '09:00:00', duration_seconds: 28_800 }],
        rendered_schedule_entries: [],
      },
    ],
    escalation_policies: [],
    users: [],
    teams: [],
  });
  await h.catalog('schedule_override', 'POVR1', {
    start: '2027-01-04T16:00:00.000Z',
    end: '2027-01-04T18:00:00.000Z',
    user: ref('user', 'PCAROL'),
    schedule: ref('schedule', 'PSCH1'),
    created_at: '2026-12-20T00:00:00.000Z',
  });
  await h.catalog('escalation_policy', 'PEP1', {
    name: 'Checkout',
    summary: 'Checkout',
    num_loops: 0,
    escalation_rules: [
      { id: 'PR1', escalation_delay_in_minutes: 10, targets: [{ ...ref('schedule', 'PSCH1'), summary: 'Primary' }] },
      { id: 'PR2', escalation_delay_in_minutes: 10, targets: [{ ...ref('user', 'PCAROL'), summary: 'Carol' }] },
    ],
    services: [],
    teams: [{ ...ref('team', 'PTEAM1'), summary: 'Core' }],
  });
}

/** [start, end, user id] of rendered entries. */
export const rows = (entries: { start: string; end: string; user: { id: string } }[]) =>
  entries.map((e) => [e.start, e.end, e.user.id]);

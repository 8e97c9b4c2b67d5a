import { backoffMs } from '../src/delivery';
import { type LeaseRow, planLeases } from '../src/postgres-log/lease-plan';

const keys = (n: number) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(2, '0')}`);
const rows = (owners: (string | null)[], expired: boolean[] = []): LeaseRow[] =>
  owners.map((owner, i) => ({ key: keys(owners.length)[i] as string, owner, expired: expired[i] ?? owner === null }));
const none = new Set<string>();

describe('postgres-log lease plan', () => {
  it.each([
    [4, 1, 4],
    [4, 2, 2],
    [4, 3, 2],
    [4, 5, 1],
    [12, 5, 3],
    [1, 2, 1],
    [0, 3, 0],
  ])('%i partitions over %i live members: a share of at most %i', (partitions, live, quota) => {
    const plan = planLeases({
      memberId: 'm',
      rows: rows(new Array(partitions).fill(null)),
      liveMembers: live,
      releasing: none,
    });
    expect(plan.quota).toBe(quota);
    expect(plan.claim).toHaveLength(quota);
    expect(plan.release).toEqual([]);
  });

  it('renews what it holds and takes only free or expired partitions', () => {
    const plan = planLeases({
      memberId: 'a',
      rows: rows(['a', 'b', 'c', null, 'd'], [false, false, true, true, false]),
      liveMembers: 1,
      releasing: none,
    });
    expect(plan.claim.sort()).toEqual(['p00', 'p02', 'p03']);
  });

  it('gives back what it holds over its share when members join', () => {
    const plan = planLeases({ memberId: 'a', rows: rows(['a', 'a', 'a', 'a']), liveMembers: 2, releasing: none });
    expect(plan.release).toEqual(['p02', 'p03']);
    // Still claimed: the lease is kept while the partition drains, until it is released.
    expect(plan.claim).toEqual(['p00', 'p01', 'p02', 'p03']);
  });

  it('does not give back twice what is already draining, nor count it in its share', () => {
    const plan = planLeases({
      memberId: 'a',
      rows: rows(['a', 'a', 'a', 'a']),
      liveMembers: 2,
      releasing: new Set(['p02', 'p03']),
    });
    expect(plan.release).toEqual([]);
    expect(plan.claim).toEqual(['p00', 'p01', 'p02', 'p03']);
  });

  it('treats itself as alive when the member count is stale', () => {
    expect(planLeases({ memberId: 'a', rows: rows([null, null]), liveMembers: 0, releasing: none }).quota).toBe(2);
  });

  it('converges: every partition held, nobody over their share, after members join and one leaves', () => {
    // A small model of the table: a pass claims what the plan asks for, where the claim may win.
    const partitions = 12;
    const owner = new Map<string, string | null>(keys(partitions).map((k) => [k, null]));
    const pass = (member: string, live: number) => {
      const plan = planLeases({
        memberId: member,
        rows: [...owner].map(([key, o]) => ({ key, owner: o, expired: o === null })),
        liveMembers: live,
        releasing: none,
      });
      for (const key of plan.claim) if (owner.get(key) === null || owner.get(key) === member) owner.set(key, member);
      for (const key of plan.release) owner.set(key, null);
    };
    const held = (member: string) => [...owner.values()].filter((o) => o === member).length;

    let members = ['m1', 'm2', 'm3', 'm4', 'm5'];
    for (let round = 0; round < 4; round++) for (const m of members) pass(m, members.length);
    expect([...owner.values()].every((o) => o !== null)).toBe(true);
    for (const m of members) expect(held(m)).toBeLessThanOrEqual(Math.ceil(partitions / members.length));

    // m2 leaves: its leases are released; the others take them up to their new, larger share.
    for (const [key, o] of owner) if (o === 'm2') owner.set(key, null);
    members = members.filter((m) => m !== 'm2');
    for (let round = 0; round < 3; round++) for (const m of members) pass(m, members.length);
    expect([...owner.values()].every((o) => o !== null && o !== 'm2')).toBe(true);
    for (const m of members) expect(held(m)).toBeLessThanOrEqual(Math.ceil(partitions / members.length));
  });

  it('starts different members at different partitions, so joiners rarely collide', () => {
    const free = rows(new Array(8).fill(null));
    const firsts = new Set(
      ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map(
        (m) => planLeases({ memberId: m, rows: free, liveMembers: 8, releasing: none }).claim[0],
      ),
    );
    expect(firsts.size).toBeGreaterThan(2);
  });
});

describe('retry backoff', () => {
  it.each([
    [1, 200],
    [2, 400],
    [5, 3_200],
    [6, 5_000],
    [30, 5_000],
    // A transient failure retried for hours: the doubling must not overflow to Infinity or NaN.
    [100_000, 5_000],
  ])('waits before attempt %i+1: %i ms', (attempt, ms) => {
    expect(backoffMs(200, 5_000, attempt)).toBe(ms);
  });
});

import { murmur2 } from './partitioner';

/** One partition of a group as a member sees it during a lease pass. */
export interface LeaseRow {
  key: string;
  owner: string | null;
  /** The owner's lease ran out (or there is none). */
  expired: boolean;
}

export interface LeasePlanInput {
  memberId: string;
  rows: readonly LeaseRow[];
  /** Members of the group with a fresh heartbeat, this one included. */
  liveMembers: number;
  /** Partitions this member is already giving back (draining before the release). */
  releasing: ReadonlySet<string>;
}

export interface LeasePlan {
  /** The most partitions a member may hold: ceil(partitions / live members). */
  quota: number;
  /** Leases to take or renew: every one this member holds (releasing ones too, until released) plus new ones. */
  claim: string[];
  /** Partitions to start giving back: drain their work, commit, then release. */
  release: string[];
}

/**
 * The balancing rule of a lease pass. Each member holds at most ceil(partitions / live members):
 * it gives back what it holds over that share and takes free or expired partitions up to it. Members
 * start their search at a different place (a hash of their id), so members joining together rarely
 * reach for the same partitions; when they do, the lease update lets only one of them win.
 */
export function planLeases(input: LeasePlanInput): LeasePlan {
  const { memberId, rows, releasing } = input;
  const quota = rows.length === 0 ? 0 : Math.ceil(rows.length / Math.max(1, input.liveMembers));
  const mine = rows.filter((r) => r.owner === memberId).map((r) => r.key);
  const keeping = mine.filter((key) => !releasing.has(key)).sort();
  const excess = keeping.length - quota;
  const release = excess > 0 ? keeping.slice(keeping.length - excess) : [];
  const free = rows
    .filter((r) => r.owner !== memberId && (r.owner === null || r.expired))
    .map((r) => r.key)
    .sort();
  const wanted = Math.max(0, quota - keeping.length);
  const start = free.length === 0 ? 0 : (murmur2(new TextEncoder().encode(memberId)) & 0x7fffffff) % free.length;
  const acquire = [...free.slice(start), ...free.slice(0, start)].slice(0, wanted);
  return { quota, claim: [...mine, ...acquire], release };
}

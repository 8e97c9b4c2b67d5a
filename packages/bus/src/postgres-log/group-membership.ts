import type { Database } from '@klaxon/db';
import { and, eq, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { planLeases } from './lease-plan';
import type { LogBusSettings } from './options';
import { groupPartitions, members, partitions } from './tables';

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface HeldPartition extends PartitionRef {
  committedOffset: number;
}

export interface LeasePassResult {
  /** Every partition this member holds after the pass, by key, with its committed position. */
  held: Map<string, HeldPartition>;
  /** Partitions over this member's share: drain, commit, then release them. */
  release: string[];
  liveMembers: number;
}

export interface GroupMembership {
  readonly memberId: string;
  /** Heartbeat, then renew, give back and take leases (see planLeases). */
  pass(releasing: ReadonlySet<string>): Promise<LeasePassResult>;
  /** Moves the group's position, only while this member holds the lease; false when it does not. */
  commit(ref: PartitionRef, nextOffset: number): Promise<boolean>;
  release(refs: readonly PartitionRef[]): Promise<void>;
  /** Releases every lease and deregisters, so other members take the partitions at once. */
  leave(): Promise<void>;
}

export const partitionKey = (ref: PartitionRef): string => JSON.stringify([ref.topic, ref.partition]);
const fromKey = (key: string): PartitionRef => {
  const [topic, partition] = JSON.parse(key) as [string, number];
  return { topic, partition };
};

/**
 * One member's view of a consumer group in the database. Expiry is always judged by the database's
 * clock (now()), so members on machines with skewed clocks agree on who is alive.
 */
export function createGroupMembership(
  db: Database,
  settings: Pick<LogBusSettings, 'sessionTimeoutMs'>,
  group: string,
  memberId: string,
  topics: readonly string[],
): GroupMembership {
  const topicList = [...topics];
  const expiry = sql`now() + ${settings.sessionTimeoutMs}::integer * interval '1 millisecond'`;
  const inGroup = eq(groupPartitions.consumerGroup, group);
  const ofTopics = sql`${groupPartitions.topic} = any(${sql.param(topicList)}::text[])`;
  const anyOf = (refs: readonly PartitionRef[]): SQL | undefined =>
    or(...refs.map((r) => and(eq(groupPartitions.topic, r.topic), eq(groupPartitions.partition, r.partition))));

  const heartbeat = () =>
    db.execute(sql`
      with gone as (
        delete from ${members} where consumer_group = ${group} and expires_at < now() and member_id <> ${memberId}
      )
      insert into ${members} (consumer_group, member_id, topics, expires_at)
      values (${group}, ${memberId}, ${sql.param(topicList)}::text[], ${expiry})
      on conflict (consumer_group, member_id) do update set expires_at = excluded.expires_at`);

  // Partitions made since the last pass (new topics) join the group at offset 0.
  const addNewPartitions = () =>
    db.execute(sql`
      insert into ${groupPartitions} (consumer_group, topic, partition)
      select ${group}, p.topic, p.partition from ${partitions} p where p.topic = any(${sql.param(topicList)}::text[])
      on conflict do nothing`);

  const readGroup = () =>
    db
      .select({
        topic: groupPartitions.topic,
        partition: groupPartitions.partition,
        owner: groupPartitions.owner,
        expired: sql<boolean>`(${groupPartitions.leaseExpiresAt} is null or ${groupPartitions.leaseExpiresAt} < now())`,
        liveMembers: sql<number>`(select count(*)::integer from ${members} m
          where m.consumer_group = ${group} and m.expires_at > now())`.mapWith(Number),
      })
      .from(groupPartitions)
      .where(and(inGroup, ofTopics));

  const claim = (refs: readonly PartitionRef[]) =>
    db
      .update(groupPartitions)
      .set({ owner: memberId, leaseExpiresAt: expiry })
      .where(
        and(
          inGroup,
          anyOf(refs),
          // Re-checked under the row lock: of two members reaching for one partition, one wins.
          or(
            eq(groupPartitions.owner, memberId),
            isNull(groupPartitions.owner),
            lt(groupPartitions.leaseExpiresAt, sql`now()`),
          ),
        ),
      )
      .returning({
        topic: groupPartitions.topic,
        partition: groupPartitions.partition,
        committedOffset: groupPartitions.committedOffset,
      });

  return {
    memberId,
    async pass(releasing) {
      await heartbeat();
      await addNewPartitions();
      const rows = await readGroup();
      const liveMembers = Math.max(1, rows[0]?.liveMembers ?? 1);
      const plan = planLeases({
        memberId,
        rows: rows.map((r) => ({ key: partitionKey(r), owner: r.owner, expired: r.expired })),
        liveMembers,
        releasing,
      });
      const held = new Map<string, HeldPartition>();
      if (plan.claim.length > 0) {
        for (const row of await claim(plan.claim.map(fromKey))) held.set(partitionKey(row), row);
      }
      return { held, release: plan.release.filter((key) => held.has(key)), liveMembers };
    },
    async commit(ref, nextOffset) {
      const updated = await db
        .update(groupPartitions)
        .set({ committedOffset: nextOffset })
        .where(
          and(
            inGroup,
            eq(groupPartitions.topic, ref.topic),
            eq(groupPartitions.partition, ref.partition),
            eq(groupPartitions.owner, memberId),
          ),
        )
        .returning({ topic: groupPartitions.topic });
      return updated.length === 1;
    },
    async release(refs) {
      if (refs.length === 0) return;
      await db
        .update(groupPartitions)
        .set({ owner: null, leaseExpiresAt: null })
        .where(and(inGroup, eq(groupPartitions.owner, memberId), anyOf(refs)));
    },
    async leave() {
      await db
        .update(groupPartitions)
        .set({ owner: null, leaseExpiresAt: null })
        .where(and(inGroup, eq(groupPartitions.owner, memberId)));
      await db.delete(members).where(and(eq(members.consumerGroup, group), eq(members.memberId, memberId)));
    },
  };
}

import type { Database } from '@klaxon/db';
import { inArray, sql } from 'drizzle-orm';
import type { TopicSpec } from '../port';
import type { LogBusSettings } from './options';
import { partitions, topics } from './tables';

export class UnknownTopicError extends Error {
  constructor(readonly topic: string) {
    super(`unknown topic "${topic}": create it with ensureTopics first`);
    this.name = 'UnknownTopicError';
  }
}

export interface TopicCatalog {
  /** Creates the missing topics and their partitions; an existing topic keeps its partition count. */
  ensure(specs: readonly TopicSpec[]): Promise<void>;
  /** Partition counts of the topics that exist; a missing one is absent from the map. */
  partitionCounts(names: readonly string[]): Promise<Map<string, number>>;
}

/** Partition counts never change once a topic exists, so known ones are cached for the hot path. */
export function createTopicCatalog(db: Database, settings: Pick<LogBusSettings, 'log'>): TopicCatalog {
  const known = new Map<string, number>();

  const load = async (names: readonly string[]) => {
    const rows = await db
      .select({ name: topics.name, partitions: topics.partitions })
      .from(topics)
      .where(inArray(topics.name, [...names]));
    for (const row of rows) known.set(row.name, row.partitions);
  };

  return {
    async ensure(requested) {
      const specs = [...new Map(requested.map((t) => [t.name, t])).values()];
      if (specs.length === 0) return;
      for (const spec of specs) {
        if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
          throw new Error(`topic "${spec.name}" needs a positive whole number of partitions, not ${spec.partitions}`);
        }
      }
      const names = specs.map((s) => s.name);
      const created = await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(topics)
          .values(specs.map((s) => ({ name: s.name, partitions: s.partitions, compacted: s.compacted })))
          .onConflictDoNothing()
          .returning({ name: topics.name });
        // From the stored count, not the requested one: a topic made earlier keeps its partitions.
        await tx.execute(sql`
          insert into ${partitions} (topic, partition)
          select t.name, p.n from ${topics} t cross join lateral generate_series(0, t.partitions - 1) as p(n)
          where t.name = any(${sql.param(names)}::text[])
          on conflict do nothing`);
        return inserted.map((r) => r.name);
      });
      if (created.length > 0) settings.log.info({ topics: created }, 'bus_topics_created');
      await load(names);
      for (const spec of specs) {
        const actual = known.get(spec.name);
        if (actual !== spec.partitions) {
          settings.log.warn(
            { topic: spec.name, expected: spec.partitions, actual },
            'bus_topic_partition_count_differs',
          );
        }
      }
    },
    async partitionCounts(names) {
      const missing = names.filter((n) => !known.has(n));
      if (missing.length > 0) await load(missing);
      const counts = new Map<string, number>();
      for (const name of names) {
        const count = known.get(name);
        if (count !== undefined) counts.set(name, count);
      }
      return counts;
    },
  };
}

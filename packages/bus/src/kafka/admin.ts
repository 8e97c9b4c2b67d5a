import type { Admin, Kafka, PartitionMetadata } from 'kafkajs';
import type { TopicSpec } from '../port';
import { lazyConnection } from './connection';
import type { KafkaSettings } from './options';

export interface KafkaAdmin {
  /** Creates the missing topics, then waits until the cluster serves every partition of each. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  ping(): Promise<void>;
  /** Best effort: removes an empty consumer group (throwaway read-model groups). */
  deleteGroup(groupId: string): Promise<void>;
  /** The high watermark (next offset) of every partition of a topic. */
  topicEnds(topic: string): Promise<{ partition: number; end: number }[]>;
  /** The group's committed offset per partition of the topic (-1 when none). */
  committed(groupId: string, topic: string): Promise<{ partition: number; offset: number }[]>;
  close(): Promise<void>;
}

const topicsReadyTimeoutMs = 30_000;
const topicsReadyPollMs = 100;

const served = (p: PartitionMetadata) => p.partitionErrorCode === 0 && p.leader >= 0;

export function createKafkaAdmin(kafka: Kafka, settings: KafkaSettings): KafkaAdmin {
  const { log } = settings;
  const admins = lazyConnection(() => kafka.admin({ retry: settings.retry }));

  const replicationFactor = async (admin: Admin): Promise<number> => {
    if (settings.replicationFactor !== undefined) return settings.replicationFactor;
    const { brokers } = await admin.describeCluster();
    return Math.min(3, brokers.length);
  };

  /**
   * CreateTopics answers before every broker's metadata has the new partitions and leaders; with
   * KRaft, kafkajs then sees UNKNOWN_TOPIC_OR_PARTITION for a moment. Poll until the metadata is whole.
   */
  const waitUntilServed = async (admin: Admin, specs: readonly TopicSpec[]) => {
    const deadline = Date.now() + topicsReadyTimeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
        const ready = specs.every((spec) => {
          // KRaft adds a topic and all its partitions in one metadata record batch: all or none.
          const partitions = topics.find((t) => t.name === spec.name)?.partitions ?? [];
          return partitions.length > 0 && partitions.every(served);
        });
        if (ready) {
          for (const spec of specs) {
            const actual = topics.find((t) => t.name === spec.name)?.partitions.length;
            if (actual !== spec.partitions) {
              log.warn({ topic: spec.name, expected: spec.partitions, actual }, 'topic_partition_count_differs');
            }
          }
          return;
        }
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        throw new Error(`topics not served within ${topicsReadyTimeoutMs} ms: ${specs.map((s) => s.name).join(', ')}`, {
          cause: lastError,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, topicsReadyPollMs));
    }
  };

  return {
    async ensureTopics(topics) {
      const specs = [...new Map(topics.map((t) => [t.name, t])).values()];
      if (specs.length === 0) return;
      const admin = await admins.get();
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.name));
      if (missing.length > 0) {
        const factor = await replicationFactor(admin);
        // Resolves false when another process created them first; that is fine.
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: factor,
            configEntries: s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
          })),
        });
        log.info({ topics: missing.map((s) => s.name), replicationFactor: factor }, 'topics_created');
      }
      await waitUntilServed(admin, specs);
    },
    async ping() {
      const admin = await admins.get();
      await admin.describeCluster();
    },
    async deleteGroup(groupId) {
      try {
        const admin = await admins.get();
        await admin.deleteGroups([groupId]);
      } catch (err) {
        log.debug({ err, group: groupId }, 'consumer_group_delete_failed');
      }
    },
    async topicEnds(topic) {
      const admin = await admins.get();
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, end: Number(o.high) }));
    },
    async committed(groupId, topic) {
      const admin = await admins.get();
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (offsets?.partitions ?? []).map((p) => ({ partition: p.partition, offset: Number(p.offset) }));
    },
    close: () => admins.reset(),
  };
}

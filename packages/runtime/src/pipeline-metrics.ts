import type { Bus } from '@klaxon/bus';
import { type Database, type OutboxRelay, queryRows, sql } from '@klaxon/db';
import type { PgTable } from 'drizzle-orm/pg-core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * What shows a storm while it happens, on an app's /metrics: consumer lag per group and partition,
 * batch sizes, outbox depth and timer lateness (event-loop delay comes with the default Node
 * metrics, `nodejs_eventloop_lag_*`). One set per registry: the all-in-one's plugins share one app.
 */
export interface PipelineMetrics {
  /** Reports the group's lag on its topics at every scrape. */
  watchLag(bus: Pick<Bus, 'lag'>, group: string, topics: readonly string[]): void;
  /** Reports the rows waiting in an outbox, and its relay's failed passes, at every scrape. */
  watchOutbox(db: Database, service: string, outbox: PgTable, relay: Pick<OutboxRelay, 'health'>): void;
  /** The batch handler with the size of every batch it takes counted under the consumer group. */
  measured<M, R>(group: string, handler: (batch: M[]) => R): (batch: M[]) => R;
  /** A durable timer fired this late. */
  timerFired(service: string, kind: string, lateMs: number): void;
  /** Reports the dead letters kept, per origin topic and consumer group, at every scrape. */
  watchDeadLetters(count: () => Promise<readonly { topic: string; group: string; n: number }[]>): void;
}

const perRegistry = new WeakMap<Registry, PipelineMetrics>();

export function pipelineMetrics(registry: Registry): PipelineMetrics {
  const known = perRegistry.get(registry);
  if (known) return known;
  const lagSources: { bus: Pick<Bus, 'lag'>; group: string; topics: readonly string[] }[] = [];
  const outboxes: { db: Database; service: string; outbox: PgTable; relay: Pick<OutboxRelay, 'health'> }[] = [];
  new Gauge({
    name: 'klaxon_consumer_lag_messages',
    help: 'Messages appended to a partition and not yet committed by the consumer group.',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { bus, group, topics } of lagSources) {
        // A scrape must not fail because the bus is away: the lag is then simply not reported.
        const lags = await bus.lag(group, topics).catch(() => []);
        for (const l of lags) this.set({ group, topic: l.topic, partition: String(l.partition) }, l.lag);
      }
    },
  });
  new Gauge({
    name: 'klaxon_outbox_depth_messages',
    help: 'Messages written to a service outbox and not yet published on the bus.',
    // `owner`, not `service`: every app already labels its metrics with its own service name.
    labelNames: ['owner'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { db, service, outbox } of outboxes) {
        const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${outbox}`).catch(() => []);
        if (rows[0]) this.set({ owner: service }, rows[0].n);
      }
    },
  });
  new Counter({
    name: 'klaxon_outbox_relay_errors_total',
    help: 'Relay passes that failed to publish a service outbox (a stuck relay shows as a rising count).',
    labelNames: ['owner'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { service, relay } of outboxes) this.inc({ owner: service }, relay.health.errors);
    },
  });
  const deadLetterSources: (() => Promise<readonly { topic: string; group: string; n: number }[]>)[] = [];
  new Gauge({
    name: 'klaxon_dead_letters_messages',
    help: 'Messages a consumer group set aside as dead letters and nobody has replayed or deleted yet.',
    labelNames: ['topic', 'group'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const count of deadLetterSources) {
        for (const { topic, group, n } of await count().catch(() => [])) this.set({ topic, group }, n);
      }
    },
  });
  const batchSize = new Histogram({
    name: 'klaxon_consumer_batch_size_messages',
    help: 'Messages a consumer took in one batch (one transaction).',
    labelNames: ['group'],
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'klaxon_timer_lateness_seconds',
    help: 'How long after its due time a durable timer fired.',
    labelNames: ['owner', 'kind'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const metrics: PipelineMetrics = {
    watchLag: (bus, group, topics) => lagSources.push({ bus, group, topics }),
    watchOutbox: (db, service, outbox, relay) => outboxes.push({ db, service, outbox, relay }),
    measured: (group, handler) => (batch) => {
      batchSize.observe({ group }, batch.length);
      return handler(batch);
    },
    watchDeadLetters: (count) => deadLetterSources.push(count),
    timerFired: (service, kind, lateMs) => lateness.observe({ owner: service, kind }, Math.max(0, lateMs) / 1000),
  };
  perRegistry.set(registry, metrics);
  return metrics;
}

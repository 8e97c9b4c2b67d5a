import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Handlers } from '../batch-delivery';
import type { SubscribeOptions } from '../port';
import type { ConsumerDeps, LogSubscription } from './consumer';
import { createGroupMembership, type HeldPartition, partitionKey } from './group-membership';
import { type PartitionWorker, startPartitionWorker } from './partition-worker';

interface Assigned {
  worker: PartitionWorker;
  ref: HeldPartition;
  releasing: boolean;
}

/**
 * A member of a consumer group: it heartbeats, leases its share of the partitions (lease passes run
 * one at a time, every heartbeatMs), runs one worker per leased partition, and gives partitions back
 * after draining them when the group grows. `started` resolves after the first successful pass.
 */
export async function subscribeGroup(
  deps: ConsumerDeps,
  options: SubscribeOptions,
  handlers: Handlers,
): Promise<LogSubscription> {
  const { db, settings, watermarks } = deps;
  const { group } = options;
  const memberId = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const log = settings.log.child({ group, memberId });
  const membership = createGroupMembership(db, settings, group, memberId, options.topics);
  const assigned = new Map<string, Assigned>();
  let state: 'running' | 'stopping' | 'closed' = 'running';
  /** Local deadline of the leases, from the start of the last successful pass (before the database's). */
  let leasesValidUntil = 0;
  /** Read through a call where TypeScript would keep a narrowing that an await may have made stale. */
  const stateNow = () => state;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<void> = Promise.resolve();

  let markStarted = () => {};
  let failStart: (err: unknown) => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    failStart = reject;
  });
  // Nobody has to await `started`.
  started.catch(() => undefined);
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });

  /** Lease work runs one step at a time: passes, and releases after a drain. */
  const enqueue = (step: () => Promise<void>) => {
    queue = queue.then(step, step);
    return queue;
  };

  const startWorker = (key: string, ref: HeldPartition) => {
    const worker = startPartitionWorker({
      db,
      settings,
      log,
      group,
      topic: ref.topic,
      partition: ref.partition,
      from: ref.committedOffset,
      handlers,
      maxAttempts: options.maxAttempts ?? 10,
      end: () => watermarks.end(ref.topic, ref.partition),
      mayProcess: () => Date.now() < leasesValidUntil,
      commit: (next) => membership.commit(ref, next),
      deadLetter: deps.deadLetter,
      onExit: (reason) => {
        if (reason === 'lost' && assigned.get(key)?.worker === worker) assigned.delete(key);
      },
    });
    assigned.set(key, { worker, ref, releasing: false });
    log.info({ topic: ref.topic, partition: ref.partition, offset: ref.committedOffset }, 'bus_partition_assigned');
  };

  /** Drains a partition over this member's share, then gives it back for another member to take. */
  const giveBack = (key: string, entry: Assigned) => {
    entry.releasing = true;
    void entry.worker.stop().then(() =>
      enqueue(async () => {
        // Stopping instead: leave() releases every lease at once.
        if (assigned.get(key) !== entry || state !== 'running') return;
        try {
          await membership.release([entry.ref]);
          log.info({ topic: entry.ref.topic, partition: entry.ref.partition }, 'bus_partition_released');
        } catch (err) {
          // The lease then simply expires.
          log.warn({ topic: entry.ref.topic, partition: entry.ref.partition, err }, 'bus_partition_release_failed');
        }
        assigned.delete(key);
      }),
    );
  };

  const pass = async () => {
    if (state !== 'running') return;
    const passStarted = Date.now();
    const releasing = new Set([...assigned].filter(([, a]) => a.releasing).map(([key]) => key));
    const result = await membership.pass(releasing);
    if (state !== 'running') return;
    leasesValidUntil = passStarted + settings.sessionTimeoutMs;
    for (const [key, entry] of assigned) {
      if (result.held.has(key)) continue;
      // Our lease expired and another member took the partition: stop touching it at once.
      log.warn({ topic: entry.ref.topic, partition: entry.ref.partition }, 'bus_partition_lost');
      entry.worker.abort();
      assigned.delete(key);
    }
    for (const [key, ref] of result.held) {
      if (!assigned.has(key)) startWorker(key, ref);
    }
    for (const key of result.release) {
      const entry = assigned.get(key);
      if (entry && !entry.releasing) giveBack(key, entry);
    }
    for (const entry of assigned.values()) entry.worker.wake();
    markStarted();
  };

  const beat = () => {
    timer = undefined;
    void enqueue(async () => {
      try {
        await pass();
      } catch (err) {
        log.warn({ err }, 'bus_lease_pass_failed');
      }
    }).then(() => {
      if (state === 'running') timer = setTimeout(beat, settings.heartbeatMs);
    });
  };

  const unwatch = watermarks.watch(options.topics, (topic, partition) => {
    assigned.get(partitionKey({ topic, partition }))?.worker.wake();
  });
  try {
    await watermarks.refresh();
  } catch (err) {
    unwatch();
    throw err;
  }
  log.info({ topics: options.topics }, 'bus_member_joined');
  beat();

  let closing: Promise<void> | undefined;
  const close = (how: 'stopped' | 'aborted') => {
    state = how === 'stopped' ? 'stopping' : 'closed';
    clearTimeout(timer);
    unwatch();
    failStart(new Error(`subscription ${how} before it started`));
  };

  return {
    started,
    closed,
    stop() {
      if (state !== 'running') return closing ?? closed;
      close('stopped');
      closing = (async () => {
        try {
          await queue;
          await Promise.all([...assigned.values()].map((a) => a.worker.stop()));
          assigned.clear();
          // An abort during the drain is a crash after all: the leases are left to expire.
          if (stateNow() !== 'stopping') return;
          await membership.leave();
          log.info('bus_member_left');
        } catch (err) {
          // The leases then expire after sessionTimeoutMs, and the member row with them.
          log.warn({ err }, 'bus_member_leave_failed');
        } finally {
          state = 'closed';
          markClosed();
        }
      })();
      return closing;
    },
    async abort() {
      if (state === 'closed') return;
      close('aborted');
      for (const a of assigned.values()) a.worker.abort();
      assigned.clear();
      log.info('bus_member_aborted');
      markClosed();
    },
  };
}

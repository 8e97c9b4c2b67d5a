import type { Handlers } from '../batch-delivery';
import type { SubscribeOptions } from '../port';
import type { ConsumerDeps, LogSubscription } from './consumer';
import { partitionKey } from './group-membership';
import { type PartitionWorker, startPartitionWorker } from './partition-worker';

/**
 * A read model: no group state at all. Every partition of the topics is read from offset 0 by this
 * instance alone, positions live in memory, nothing is committed; partitions of topics made later
 * are picked up as the watermarks see them.
 */
export async function subscribeReadModel(
  deps: ConsumerDeps,
  options: SubscribeOptions,
  handlers: Handlers,
): Promise<LogSubscription> {
  const { db, settings, watermarks } = deps;
  const { group } = options;
  const log = settings.log.child({ group, readModel: true });
  const workers = new Map<string, PartitionWorker>();
  let running = true;

  const ensureWorker = (topic: string, partition: number) => {
    const key = partitionKey({ topic, partition });
    if (!running || workers.has(key)) return workers.get(key);
    const worker = startPartitionWorker({
      db,
      settings,
      log,
      group,
      topic,
      partition,
      from: 0,
      handlers,
      maxAttempts: options.maxAttempts ?? 10,
      end: () => watermarks.end(topic, partition),
      mayProcess: () => true,
      commit: undefined,
      deadLetter: deps.deadLetter,
      onExit: () => undefined,
    });
    workers.set(key, worker);
    return worker;
  };

  const unwatch = watermarks.watch(options.topics, (topic, partition) => ensureWorker(topic, partition)?.wake());
  try {
    await watermarks.refresh();
  } catch (err) {
    unwatch();
    throw err;
  }
  for (const topic of options.topics) {
    for (const partition of watermarks.partitionsOf(topic)) ensureWorker(topic, partition);
  }
  log.info({ topics: options.topics, partitions: workers.size }, 'bus_read_model_started');

  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  let stopping: Promise<void> | undefined;
  const halt = () => {
    running = false;
    unwatch();
  };

  return {
    started: Promise.resolve(),
    closed,
    stop() {
      if (stopping) return stopping;
      if (!running) return closed;
      halt();
      stopping = Promise.all([...workers.values()].map((w) => w.stop())).then(() => {
        log.info('bus_read_model_stopped');
        markClosed();
      });
      return stopping;
    },
    async abort() {
      if (!running) return;
      halt();
      for (const w of workers.values()) w.abort();
      markClosed();
    },
  };
}

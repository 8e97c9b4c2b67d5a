import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { handlersOf } from '../batch-delivery';
import type { DeadLetterInfo } from '../dead-letter';
import type { BusMessage, SubscribeOptions, Subscription } from '../port';
import { createProgress } from '../progress';
import type { KafkaAdmin } from './admin';
import type { KafkaSettings } from './options';
import { createBatchHandler, type SubscriptionControl } from './partition-batch';

export interface ConsumerDeps {
  kafka: Kafka;
  settings: KafkaSettings;
  admin: Pick<KafkaAdmin, 'deleteGroup' | 'topicEnds'>;
  physicalName(name: string): string;
  logicalTopic(physical: string): string;
  deadLetter(message: BusMessage, info: DeadLetterInfo): Promise<void>;
}

export interface KafkaSubscription extends Subscription {
  /** Resolves once the subscription has stopped or aborted, however it was asked. */
  readonly closed: Promise<void>;
}

function createControl() {
  let state: SubscriptionControl['state'] = 'running';
  let abort = () => {};
  const control: SubscriptionControl = {
    get state() {
      return state;
    },
    aborted: new Promise<void>((resolve) => {
      abort = resolve;
    }),
  };
  return {
    control,
    stop() {
      if (state === 'running') state = 'stopping';
    },
    abort() {
      state = 'aborted';
      abort();
    },
  };
}

/**
 * One kafkajs consumer per subscription, in the caller's group (or, for a read model, in a group of
 * its own that reads from the start and never commits). Offsets are committed by the batch handler
 * after the work; new groups start at the earliest offset.
 */
export async function subscribeKafka(deps: ConsumerDeps, options: SubscribeOptions): Promise<KafkaSubscription> {
  const { settings } = deps;
  const readModel = options.readModel ?? false;
  const groupId = deps.physicalName(
    readModel ? `${options.group}.read-model-${randomBytes(5).toString('hex')}` : options.group,
  );
  const log = settings.log.child({ group: options.group, topics: options.topics });
  const { control, stop: askStop, abort: askAbort } = createControl();

  const consumer = deps.kafka.consumer({
    groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    maxWaitTimeInMs: settings.maxWaitTimeMs,
    allowAutoTopicCreation: false,
    // kafkajs restarts a crashed consumer (broker away too long) unless we are shutting it down.
    retry: { ...settings.retry, restartOnFailure: async () => control.state === 'running' },
  });

  let markStarted = () => {};
  let failStart: (err: unknown) => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    failStart = reject;
  });
  // Nobody has to await `started`; a start failure is logged below either way.
  started.catch(() => undefined);

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    log.info({ groupId, assignment: payload.memberAssignment }, 'consumer_joined');
    markStarted();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (control.state !== 'running') return;
    log.error({ groupId, err: payload.error, restart: payload.restart }, 'consumer_crashed');
    if (!payload.restart) failStart(payload.error);
  });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics.map(deps.physicalName), fromBeginning: true });
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }

  const progress = createProgress();
  const eachBatch = createBatchHandler({
    group: options.group,
    logicalTopic: deps.logicalTopic,
    handlers: handlersOf(options, progress),
    maxAttempts: options.maxAttempts ?? 10,
    retryBackoffMs: settings.retryBackoffMs,
    maxRetryBackoffMs: settings.maxRetryBackoffMs,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    commit: !readModel,
    control,
    deadLetter: deps.deadLetter,
    log: settings.log,
  });
  consumer
    .run({
      autoCommit: false,
      // Offsets are resolved by the handler only after the work, never for a whole batch at once.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
      eachBatch,
    })
    .catch((err: unknown) => {
      log.error({ groupId, err }, 'consumer_run_failed');
      failStart(err);
    });

  let closing: Promise<void> | undefined;
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  // kafkajs' disconnect stops fetching, waits for the batch in hand (which returns at once after
  // an abort), leaves the group and closes the connections.
  const shutDown = (how: 'stopped' | 'aborted') => {
    closing ??= (async () => {
      try {
        // Disconnecting in the middle of the first join makes kafkajs crash noisily and leaves the
        // group to the session timeout; a join normally takes a moment, so a stop lets it finish.
        if (how === 'stopped') {
          const joinWaitMs = Math.min(5_000, settings.sessionTimeoutMs);
          await Promise.race([
            started.catch(() => undefined),
            control.aborted,
            delay(joinWaitMs, undefined, { ref: false }),
          ]);
        }
        await consumer.disconnect();
        failStart(new Error(`subscription ${how} before it started`));
        if (readModel && how === 'stopped') await deps.admin.deleteGroup(groupId);
        log.info({ groupId }, how === 'stopped' ? 'consumer_stopped' : 'consumer_aborted');
      } finally {
        markClosed();
      }
    })();
    return closing;
  };

  return {
    started,
    closed,
    stop() {
      askStop();
      return shutDown('stopped');
    },
    abort() {
      askAbort();
      return shutDown('aborted');
    },
    caughtUp(timeoutMs) {
      const ends = async () =>
        (
          await Promise.all(
            options.topics.map(async (topic) =>
              (await deps.admin.topicEnds(deps.physicalName(topic))).map((e) => ({ topic, ...e })),
            ),
          )
        ).flat();
      return progress.waitFor(ends, timeoutMs);
    },
  };
}

import type { Database } from '@klaxon/db';
import type { DeadLetterInfo } from '../kafka/messages';
import type { BusMessage, SubscribeOptions, Subscription } from '../port';
import { createProgress, type PartitionEnd } from '../progress';
import { subscribeGroup } from './group-consumer';
import type { LogBusSettings } from './options';
import { subscribeReadModel } from './read-model-consumer';
import type { Watermarks } from './watermarks';

export interface ConsumerDeps {
  db: Database;
  settings: LogBusSettings;
  watermarks: Watermarks;
  deadLetter(message: BusMessage, info: DeadLetterInfo): Promise<void>;
}

export interface LogSubscription extends Omit<Subscription, 'caughtUp'> {
  /** Resolves once the subscription has stopped or aborted, however it was asked. */
  readonly closed: Promise<void>;
}

export async function subscribeLog(
  deps: ConsumerDeps,
  options: SubscribeOptions,
): Promise<LogSubscription & Pick<Subscription, 'caughtUp'>> {
  if (options.topics.length === 0) throw new Error('subscribe needs at least one topic');
  const progress = createProgress();
  const tracked = { ...options, handler: progress.track(options.handler) };
  const subscription = await (options.readModel ? subscribeReadModel(deps, tracked) : subscribeGroup(deps, tracked));
  const ends = async (): Promise<PartitionEnd[]> => {
    await deps.watermarks.refresh();
    return options.topics.flatMap((topic) =>
      deps.watermarks
        .partitionsOf(topic)
        .map((partition) => ({ topic, partition, end: deps.watermarks.end(topic, partition) ?? 0 })),
    );
  };
  return Object.assign(subscription, { caughtUp: (timeoutMs: number) => progress.waitFor(ends, timeoutMs) });
}

import { type Database, queryRows } from '@klaxon/db';
import { sql } from 'drizzle-orm';
import { type Handlers, handlersOf } from '../batch-delivery';
import type { DeadLetterInfo } from '../dead-letter';
import type { BusMessage, SubscribeOptions, Subscription } from '../port';
import { createProgress, type PartitionEnd } from '../progress';
import { subscribeGroup } from './group-consumer';
import type { LogBusSettings } from './options';
import { subscribeReadModel } from './read-model-consumer';
import { messages, partitions } from './tables';
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
  const handlers: Handlers = handlersOf(options, progress);
  const subscription = await (options.readModel
    ? subscribeReadModel(deps, options, handlers)
    : subscribeGroup(deps, options, handlers));
  // After the last message left, not the partition's next offset: when the cleaner has deleted a
  // partition's newest messages, nobody will ever handle them.
  const ends = async (): Promise<PartitionEnd[]> => {
    const rows = await queryRows<{ topic: string; partition: number; last: string | number | null }>(
      deps.db,
      sql`
      select p.topic, p.partition,
        (select m."offset" from ${messages} m
          where m.topic = p.topic and m.partition = p.partition order by m."offset" desc limit 1) as last
      from ${partitions} p
      where p.topic = any(${sql.param(options.topics)}::text[])`,
    );
    return rows.map((r) => ({ topic: r.topic, partition: r.partition, end: r.last === null ? 0 : Number(r.last) + 1 }));
  };
  return Object.assign(subscription, { caughtUp: (timeoutMs: number) => progress.waitFor(ends, timeoutMs) });
}

import type { Bus } from '@klaxon/bus';
import type { Database } from '@klaxon/db';
import type { Logger } from 'pino';
import type { Clock } from './clock';

/**
 * Which of a service's duties this process (thread) runs. `all` (a standalone service, tests):
 * everything. The all-in-one splits them over two threads so the Events API never waits behind
 * consumer work: `serve` answers HTTP, with what answering needs (ingest's routing table, catalog's
 * relay, the bootstrap owner); `background` runs the consumers, timers and the other relays.
 */
export type ServiceRole = 'all' | 'serve' | 'background';

/** What every service plugin is given: the same in standalone and all-in-one mode. */
export interface ServiceContext {
  db: Database;
  bus: Bus;
  log: Logger;
  clock: Clock;
  /** Unique per process, to own leases. */
  instanceId: string;
  /** Unset: `all`. */
  role?: ServiceRole;
}

/** Whether this thread answers the service's HTTP routes. */
export const servesHttp = (ctx: Pick<ServiceContext, 'role'>): boolean => ctx.role !== 'background';

/** Whether this thread runs the service's consumers, timers and (most) relays. */
export const runsBackground = (ctx: Pick<ServiceContext, 'role'>): boolean => ctx.role !== 'serve';

import type { Bus } from '@klaxon/bus';
import type { Database } from '@klaxon/db';
import type { Logger } from 'pino';
import type { Clock } from './clock';

/** What every service plugin is given: the same in standalone and all-in-one mode. */
export interface ServiceContext {
  db: Database;
  bus: Bus;
  log: Logger;
  clock: Clock;
  /** Unique per process, to own leases. */
  instanceId: string;
}

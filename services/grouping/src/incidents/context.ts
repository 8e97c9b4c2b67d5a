import type { Database } from '@klaxon/db';
import type { Clock } from '@klaxon/runtime';
import type { Logger } from 'pino';
import type { ModelStore } from '../db';
import type { GroupingUrls } from '../views/urls';

/** What the consumer, the timers and the routes share: storage, time, URL rendering, the relay's wake-up. */
export interface GroupingContext {
  db: Database;
  clock: Clock;
  urls: GroupingUrls;
  log: Logger;
  /** Called after a commit that queued messages, so the relay publishes them promptly. */
  published(): void;
  /** The services' intelligent models, kept warm between decisions. */
  models: ModelStore;
}

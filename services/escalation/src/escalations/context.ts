import type { Database } from '@klaxon/db';
import type { Clock } from '@klaxon/runtime';
import type { Logger } from 'pino';

/** What the incidents.changed consumer and the timer poller share. */
export interface EscalationContext {
  db: Database;
  clock: Clock;
  log: Logger;
  /** Called after a commit that queued messages, so the relay publishes them promptly. */
  published(): void;
}

import type { Database } from '@klaxon/db';
import type { Urls } from '@klaxon/rest';
import type { Clock } from '@klaxon/runtime';

/** What the catalog's routes are given: the database, time, URL rendering and the relay's wake-up. */
export interface CatalogContext {
  db: Database;
  clock: Clock;
  urls: Urls;
  /** Called after a commit that queued changes, so the relay publishes them promptly. */
  published(): void;
  /** Open incidents above which an integration cannot be moved (PagerDuty: 8,000). */
  moveOpenIncidentsLimit: number;
}

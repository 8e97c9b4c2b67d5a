/** A count of accepted events for one integration in one fixed window. */
export interface WindowCount {
  integrationId: string;
  /** Start of the fixed window, ms since the epoch (a multiple of the window length). */
  windowStart: number;
  count: number;
}

/**
 * Where replicas add up their counts, so the limit holds across every ingest replica. Implemented on
 * the ingest schema of PostgreSQL (the embedded server in the all-in-one).
 */
export interface RateStore {
  /** Adds the deltas and returns the totals of every window at or after `since` for these integrations. */
  addAndRead(deltas: WindowCount[], integrationIds: string[], since: number): Promise<WindowCount[]>;
  /** Forgets windows that can no longer matter. */
  prune(before: number): Promise<void>;
}

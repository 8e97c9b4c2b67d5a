/** Events one replica accepted for one integration in one bucket. */
export interface BucketCount {
  integrationId: string;
  /** Start of the bucket, ms since the epoch (a multiple of the bucket length). */
  bucketStart: number;
  count: number;
}

/**
 * Where replicas share their counts, so the limit holds across every ingest replica. Implemented on
 * the ingest schema of PostgreSQL (the embedded server in the all-in-one).
 */
export interface RateStore {
  /**
   * Adds this replica's deltas, then returns the other replicas' counts, per integration and bucket,
   * of every bucket at or after `since` for these integrations. A lone replica reads nothing back.
   */
  addAndReadOthers(
    replica: string,
    deltas: BucketCount[],
    integrationIds: string[],
    since: number,
  ): Promise<BucketCount[]>;
  /** Forgets buckets that can no longer matter. */
  prune(before: number): Promise<void>;
}

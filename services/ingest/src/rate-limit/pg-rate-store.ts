import { type Database, queryRows } from '@klaxon/db';
import { sql } from 'drizzle-orm';
import type { BucketCount, RateStore } from './rate-store';

interface Row {
  integration_id: string;
  bucket_start: string | number;
  count: string | number;
}

const textArray = (values: string[]) => `{${values.map((v) => JSON.stringify(v)).join(',')}}`;

/** The rate counts of every ingest replica, in the ingest schema: one upsert and one read per sync. */
export function createPgRateStore(db: Database): RateStore {
  return {
    async addAndReadOthers(replica, deltas, integrationIds, since) {
      if (deltas.length > 0) {
        await db.execute(sql`
          insert into ingest.rate_buckets (integration_id, bucket_start, replica, count)
          select d.integration_id, d.bucket_start, ${replica}, d.count from unnest(
            ${textArray(deltas.map((d) => d.integrationId))}::text[],
            ${`{${deltas.map((d) => d.bucketStart).join(',')}}`}::bigint[],
            ${`{${deltas.map((d) => d.count).join(',')}}`}::int[]) as d(integration_id, bucket_start, count)
          on conflict (integration_id, bucket_start, replica)
          do update set count = ingest.rate_buckets.count + excluded.count`);
      }
      const rows = await queryRows<Row>(
        db,
        sql`select integration_id, bucket_start, sum(count) as count from ingest.rate_buckets
            where bucket_start >= ${since} and replica <> ${replica}
              and integration_id = any(${textArray(integrationIds)}::text[])
            group by integration_id, bucket_start`,
      );
      return rows.map(
        (r): BucketCount => ({
          integrationId: r.integration_id,
          bucketStart: Number(r.bucket_start),
          count: Number(r.count),
        }),
      );
    },
    async prune(before) {
      await db.execute(sql`delete from ingest.rate_buckets where bucket_start < ${before}`);
    },
  };
}

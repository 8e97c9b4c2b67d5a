import { type Database, queryRows } from '@klaxon/db';
import { sql } from 'drizzle-orm';
import type { RateStore, WindowCount } from './rate-store';

interface Row {
  integration_id: string;
  window_start: string | number;
  count: number;
}

/** The rate counts of every ingest replica, in the ingest schema: one upsert and one read per sync. */
export function createPgRateStore(db: Database): RateStore {
  return {
    async addAndRead(deltas, integrationIds, since) {
      if (deltas.length > 0) {
        await db.execute(sql`
          insert into ingest.rate_windows (integration_id, window_start, count)
          select * from unnest(
            ${`{${deltas.map((d) => JSON.stringify(d.integrationId)).join(',')}}`}::text[],
            ${`{${deltas.map((d) => d.windowStart).join(',')}}`}::bigint[],
            ${`{${deltas.map((d) => d.count).join(',')}}`}::int[])
          on conflict (integration_id, window_start)
          do update set count = ingest.rate_windows.count + excluded.count`);
      }
      const rows = await queryRows<Row>(
        db,
        sql`select integration_id, window_start, count from ingest.rate_windows
            where window_start >= ${since}
              and integration_id = any(${`{${integrationIds.map((id) => JSON.stringify(id)).join(',')}}`}::text[])`,
      );
      return rows.map(
        (r): WindowCount => ({ integrationId: r.integration_id, windowStart: Number(r.window_start), count: r.count }),
      );
    },
    async prune(before) {
      await db.execute(sql`delete from ingest.rate_windows where window_start < ${before}`);
    },
  };
}

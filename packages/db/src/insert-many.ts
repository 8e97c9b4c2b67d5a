import { type SQL, sql } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './database';
import { queryRows } from './database';

/**
 * Inserts many rows in one statement with one array parameter per column
 * (`insert ... select * from unnest($1::text[], $2::jsonb[], ...)`). On the hot paths (the log's
 * appends, a batch of alerts and incidents) drizzle's multi-row insert spent more CPU building the
 * statement (one bind parameter per value) than PostgreSQL spent running it; arrays keep the cost per
 * column. Every row must give the same columns; values go through each column's own driver mapping.
 */
export async function insertMany<T extends PgTable, R = never>(
  ex: Pick<Executor, 'execute'>,
  table: T,
  rows: readonly T['$inferInsert'][],
  /** `onConflict`: what follows `on conflict` (`do nothing`, `(id) do update set ...`). */
  options: { returning?: SQL; onConflict?: SQL } = {},
): Promise<R[]> {
  const first = rows[0];
  if (!first) return [];
  const config = getTableConfig(table);
  const byKey = table as unknown as Record<string, PgColumn>;
  const keys = Object.keys(first).filter((k) => (first as Record<string, unknown>)[k] !== undefined);
  const columns = keys.map((key) => {
    const column = byKey[key];
    if (!column) throw new Error(`insertMany: ${config.name} has no column ${key}`);
    return { key, column };
  });
  const arrays = columns.map(({ key, column }) => {
    const values = rows.map((row) => {
      const value = (row as Record<string, unknown>)[key];
      if (value === undefined) throw new Error(`insertMany: a row of ${config.name} lacks ${key}`);
      if (value === null) return null;
      const mapped = column.mapToDriverValue(value);
      // jsonb's driver value is the object itself (pg stringifies it); inside an array it must be text.
      return column.getSQLType() === 'jsonb' && typeof mapped !== 'string' ? JSON.stringify(mapped) : mapped;
    });
    return sql`${sql.param(values)}::${sql.raw(column.getSQLType())}[]`;
  });
  const target = sql`${table} (${sql.join(
    columns.map(({ column }) => sql.identifier(column.name)),
    sql`, `,
  )})`;
  const conflict = options.onConflict ? sql` on conflict ${options.onConflict}` : sql``;
  const returning = options.returning ? sql` returning ${options.returning}` : sql``;
  return queryRows<R>(
    ex,
    sql`insert into ${target} select * from unnest(${sql.join(arrays, sql`, `)})${conflict}${returning}`,
  );
}

import { type SQL, sql } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './database';
import { queryRows } from './database';

/** One array parameter per column of `keys`, each value through the column's own driver mapping. */
function columnArrays<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][], keys: readonly string[]) {
  const config = getTableConfig(table);
  const byKey = table as unknown as Record<string, PgColumn>;
  return keys.map((key) => {
    const column = byKey[key];
    if (!column) throw new Error(`${config.name} has no column ${key}`);
    const values = rows.map((row) => {
      const value = (row as Record<string, unknown>)[key];
      if (value === undefined) throw new Error(`a row of ${config.name} lacks ${key}`);
      if (value === null) return null;
      const mapped = column.mapToDriverValue(value);
      // jsonb's driver value is the object itself (pg stringifies it); inside an array it must be text.
      return column.getSQLType() === 'jsonb' && typeof mapped !== 'string' ? JSON.stringify(mapped) : mapped;
    });
    return { column, array: sql`${sql.param(values)}::${sql.raw(column.getSQLType())}[]` };
  });
}

const definedKeys = (row: object) => Object.keys(row).filter((k) => (row as Record<string, unknown>)[k] !== undefined);

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
  const columns = columnArrays(table, rows, definedKeys(first));
  const target = sql`${table} (${sql.join(
    columns.map(({ column }) => sql.identifier(column.name)),
    sql`, `,
  )})`;
  const conflict = options.onConflict ? sql` on conflict ${options.onConflict}` : sql``;
  const returning = options.returning ? sql` returning ${options.returning}` : sql``;
  return queryRows<R>(
    ex,
    sql`insert into ${target} select * from unnest(${sql.join(
      columns.map((c) => c.array),
      sql`, `,
    )})${conflict}${returning}`,
  );
}

/**
 * Updates many rows in one statement, the same way: each row sets the columns it gives, and the row
 * to update is the one whose `key` column equals the row's. Every row must give the same columns.
 */
export async function updateMany<T extends PgTable>(
  ex: Pick<Executor, 'execute'>,
  table: T,
  key: keyof T['$inferInsert'] & string,
  rows: readonly T['$inferInsert'][],
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const keys = definedKeys(first);
  if (!keys.includes(key)) throw new Error(`updateMany: the rows lack their key ${key}`);
  const columns = columnArrays(table, rows, keys);
  const name = (i: number) => sql.identifier(`c${i}`);
  const keyIndex = keys.indexOf(key);
  const keyColumn = columns[keyIndex]?.column;
  if (!keyColumn) throw new Error(`updateMany: no key column ${key}`);
  const sets = columns.flatMap(({ column }, i) =>
    i === keyIndex ? [] : [sql`${sql.identifier(column.name)} = v.${name(i)}`],
  );
  await ex.execute(
    sql`update ${table} set ${sql.join(sets, sql`, `)}
      from unnest(${sql.join(
        columns.map((c) => c.array),
        sql`, `,
      )}) as v(${sql.join(
        columns.map((_, i) => name(i)),
        sql`, `,
      )})
      where ${keyColumn} = v.${name(keyIndex)}`,
  );
}

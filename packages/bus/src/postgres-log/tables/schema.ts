import { customType, pgSchema } from 'drizzle-orm/pg-core';

/** Everything the Postgres-log bus keeps lives in this schema; no service reads it directly. */
export const busSchema = pgSchema('bus');

/** Message payloads: node-postgres returns a Buffer (a view on a shared pool); the port wants a plain Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => new Uint8Array(value),
});

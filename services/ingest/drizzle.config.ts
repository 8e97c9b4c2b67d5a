import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/rate-buckets.table.ts',
  out: './drizzle',
  schemaFilter: ['ingest'],
});

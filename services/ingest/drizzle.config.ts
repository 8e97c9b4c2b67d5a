import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/rate-windows.table.ts',
  out: './drizzle',
  schemaFilter: ['ingest'],
});

import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/schema.ts', './src/db/*.table.ts'],
  out: './drizzle',
  schemaFilter: ['ingest'],
});

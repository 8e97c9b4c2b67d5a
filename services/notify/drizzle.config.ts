import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/index.ts',
  out: './drizzle',
  schemaFilter: ['notify'],
});

// drizzle-kit config for the Postgres-log bus schema. Generate with (drizzle-kit is a dev dependency
// of the services): `../../services/catalog/node_modules/.bin/drizzle-kit generate --config drizzle.config.ts`
// A plain object rather than defineConfig, because drizzle-kit is not a dependency of this package.
export default {
  dialect: 'postgresql',
  schema: './src/postgres-log/tables/index.ts',
  out: './drizzle',
  schemaFilter: ['bus'],
};

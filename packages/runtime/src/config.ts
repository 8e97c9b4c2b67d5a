import { type ConfigOf, commonConfigSchema, type EnvSchema } from '@klaxon/kit';

/** Where a process keeps its data and how it reaches the bus; every service and the all-in-one read these. */
export const infrastructureConfigSchema = {
  type: 'object',
  properties: {
    ...commonConfigSchema.properties,
    KLAXON_DATABASE_URL: {
      type: 'string',
      description:
        'PostgreSQL URL (postgres://user:pass@host:5432/db). Unset: an embedded PostgreSQL server under KLAXON_DATA_DIR.',
    },
    KLAXON_DATA_DIR: {
      type: 'string',
      description:
        'Folder of the embedded PostgreSQL server (KLAXON_DATA_DIR/postgres) when KLAXON_DATABASE_URL is unset.',
      default: './data',
    },
    KLAXON_KAFKA_BROKERS: {
      type: 'string',
      description: 'Comma-separated Kafka bootstrap brokers (host:port). Unset: the Postgres-log bus in the database.',
      default: '',
    },
  },
} as const satisfies EnvSchema;

export type InfrastructureEnv = ConfigOf<typeof infrastructureConfigSchema>;

export function brokerList(value: string): string[] {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

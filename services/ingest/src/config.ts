import { type ConfigOf, type EnvSchema, loadConfig } from '@klaxon/kit';

export const ingestConfigSchema = {
  type: 'object',
  properties: {
    KLAXON_INGEST_RATE_LIMIT: {
      type: 'integer',
      description: 'Events accepted per integration key in any sliding 60 s window (PagerDuty: 120).',
      minimum: 1,
      default: 120,
    },
    KLAXON_INGEST_RATE_SYNC_MS: {
      type: 'integer',
      description: 'How often each ingest replica shares its rate counts with the others (ms).',
      minimum: 20,
      default: 250,
    },
    KLAXON_INGEST_RATE_SLACK: {
      type: 'integer',
      description:
        'Events per integration key one ingest replica may accept before the others know of them; N replicas exceed KLAXON_INGEST_RATE_LIMIT by at most (N - 1) x this in any 60 s, one replica never.',
      minimum: 1,
      default: 6,
    },
    KLAXON_INGEST_CATCH_UP_TIMEOUT_MS: {
      type: 'integer',
      description: 'How long an unknown integration key may wait for the routing table to catch up (ms).',
      minimum: 0,
      default: 3000,
    },
    KLAXON_INGEST_PUBLISH_TIMEOUT_MS: {
      type: 'integer',
      description:
        'Longest an event waits for the bus to take it before the sender gets a 503 to retry (ms); bounds requests during a bus outage.',
      minimum: 100,
      default: 3000,
    },
    KLAXON_INGEST_RETRY_WINDOW_S: {
      type: 'integer',
      description:
        'How long an event answered 503 is remembered, so that a retry of the same request becomes the same event (s).',
      minimum: 0,
      default: 600,
    },
    KLAXON_INGEST_RETRY_SYNC_MS: {
      type: 'integer',
      description:
        'How often each ingest replica reads the events the others answered 503 (ms); a 503 is answered two of these after it is shared, so a retry on any replica is the same event.',
      minimum: 20,
      default: 250,
    },
  },
} as const satisfies EnvSchema;

export type IngestConfig = ConfigOf<typeof ingestConfigSchema>;

export const loadIngestConfig = (env?: Record<string, string | undefined>): IngestConfig =>
  loadConfig(ingestConfigSchema, env);

import { type ConfigOf, type EnvSchema, loadConfig } from '@klaxon/kit';

export const catalogConfigSchema = {
  type: 'object',
  properties: {
    KLAXON_PUBLIC_URL: {
      type: 'string',
      description: 'Base URL clients reach Klaxon at; used for the `self` and `html_url` fields.',
      default: 'http://localhost:8080',
    },
    KLAXON_BOOTSTRAP_TOKEN: {
      type: 'string',
      description: 'On a first start, creates the account owner and a full-access API token with this value.',
      minLength: 20,
    },
    KLAXON_BOOTSTRAP_EMAIL: {
      type: 'string',
      description: 'Email of the account owner created by KLAXON_BOOTSTRAP_TOKEN.',
      default: 'owner@klaxon.local',
    },
    KLAXON_API_RATE_LIMIT: {
      type: 'integer',
      description:
        'REST API requests allowed per API token per minute (PagerDuty: 960). Counted in each process, so N replicas allow up to N times this.',
      minimum: 1,
      default: 960,
    },
  },
} as const satisfies EnvSchema;

export type CatalogConfig = ConfigOf<typeof catalogConfigSchema>;

export const loadCatalogConfig = (env?: Record<string, string | undefined>): CatalogConfig =>
  loadConfig(catalogConfigSchema, env);

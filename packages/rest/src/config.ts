import type { EnvSchema } from '@klaxon/kit';

/** Settings every service with a REST API v2 surface reads; spread into its config schema's properties. */
export const restConfigSchema = {
  type: 'object',
  properties: {
    KLAXON_PUBLIC_URL: {
      type: 'string',
      description: 'Base URL clients reach Klaxon at; used for the `self` and `html_url` fields.',
      default: 'http://localhost:8080',
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

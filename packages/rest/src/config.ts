import type { EnvSchema } from '@klaxon/kit';

/** Settings every service with a REST API v2 surface reads; spread into its config schema's properties. */
export const restConfigSchema = {
  type: 'object',
  properties: {
    KLAXON_PUBLIC_URL: {
      type: 'string',
      description:
        'Base URL clients reach Klaxon at, for the `self` and `html_url` fields. Unset: each REST answer uses the base the request came in at (Host, or X-Forwarded-Host/-Proto from KLAXON_TRUSTED_PROXIES).',
    },
    KLAXON_TRUSTED_PROXIES: {
      type: 'string',
      description:
        'Comma-separated IPs and CIDRs of reverse proxies whose X-Forwarded-Proto and X-Forwarded-Host are believed; others are ignored.',
      default: '',
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

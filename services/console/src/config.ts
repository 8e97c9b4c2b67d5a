import { type ConfigOf, commonConfigSchema, type EnvSchema, loadConfig } from '@klaxon/kit';

/** The console alone (distributed layout): it also serves the API document merged from the services. */
export const consoleConfigSchema = {
  type: 'object',
  properties: {
    ...commonConfigSchema.properties,
    KLAXON_API_DOCS_SOURCES: {
      type: 'string',
      description:
        "Comma-separated base URLs of the services (http://catalog:8080,...) whose /openapi.json the console merges into the one it serves at /openapi.json and /docs behind the gateway; empty: only the console's own (none).",
      default: '',
    },
  },
} as const satisfies EnvSchema;

export type ConsoleConfig = ConfigOf<typeof consoleConfigSchema>;

export const loadConsoleConfig = (env?: Record<string, string | undefined>): ConsoleConfig =>
  loadConfig(consoleConfigSchema, env);

/** The sources as a list of base URLs without a trailing slash. */
export const apiDocsSources = (config: ConsoleConfig): string[] =>
  config.KLAXON_API_DOCS_SOURCES.split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);

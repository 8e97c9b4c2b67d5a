import { Ajv, type ErrorObject } from 'ajv';
import { defaultHttpLimits, type HttpLimits } from './http-limits';
import { tlsConfigSchemaProperties } from './tls';

/** One environment variable; `description` is required because it is the variable's documentation. */
export type EnvProperty =
  | {
      type: 'string';
      description: string;
      default?: string;
      enum?: readonly string[];
      minLength?: number;
      maxLength?: number;
      pattern?: string;
    }
  | { type: 'integer' | 'number'; description: string; default?: number; minimum?: number; maximum?: number }
  | { type: 'boolean'; description: string; default?: boolean };

export interface EnvSchema {
  type: 'object';
  properties: Readonly<Record<string, EnvProperty>>;
  required?: readonly string[];
}

type ValueOf<P> = P extends { enum: readonly (infer E)[] }
  ? E
  : P extends { type: 'string' }
    ? string
    : P extends { type: 'integer' | 'number' }
      ? number
      : P extends { type: 'boolean' }
        ? boolean
        : never;

type Props<S extends EnvSchema> = S['properties'];
type RequiredKeys<S extends EnvSchema> = S['required'] extends readonly (infer R)[] ? R : never;
/** Keys that always hold a value after validation: required ones and those with a default. */
type PresentKeys<S extends EnvSchema> = {
  [K in keyof Props<S>]: K extends RequiredKeys<S> ? K : Props<S>[K] extends { default: unknown } ? K : never;
}[keyof Props<S>];

/** The typed settings a schema declared `as const` yields, so a service writes each variable once. */
export type ConfigOf<S extends EnvSchema> = {
  [K in PresentKeys<S>]: ValueOf<Props<S>[K]>;
} & {
  [K in Exclude<keyof Props<S>, PresentKeys<S>>]?: ValueOf<Props<S>[K]>;
};

/** Settings every service reads; spread into a service schema's `properties`. */
export const commonConfigSchema = {
  type: 'object',
  properties: {
    KLAXON_LOG_LEVEL: {
      type: 'string',
      description: 'Minimum pino log level written to stdout.',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    KLAXON_PORT: {
      type: 'integer',
      description: 'TCP port the HTTP server listens on; 0 picks a free port.',
      minimum: 0,
      maximum: 65535,
      default: 8080,
    },
    KLAXON_HOST: {
      type: 'string',
      description: 'Address the HTTP server binds; 0.0.0.0 so it is reachable inside a container.',
      default: '0.0.0.0',
    },
    KLAXON_HTTP_HEADERS_TIMEOUT_MS: {
      type: 'integer',
      description: "A request's headers must arrive within this many ms, or the client gets 408.",
      minimum: 100,
      default: defaultHttpLimits.headersTimeoutMs,
    },
    KLAXON_HTTP_REQUEST_TIMEOUT_MS: {
      type: 'integer',
      description: 'A whole request (headers and body) must arrive within this many ms, or the client gets 408.',
      minimum: 100,
      default: defaultHttpLimits.requestTimeoutMs,
    },
    KLAXON_HTTP_IDLE_TIMEOUT_MS: {
      type: 'integer',
      description:
        'A connection without traffic, or a keep-alive connection between requests, closes after this many ms.',
      minimum: 100,
      default: defaultHttpLimits.idleTimeoutMs,
    },
    KLAXON_HTTP_MAX_CONNECTIONS_PER_ADDRESS: {
      type: 'integer',
      description:
        'Open connections one client IP may hold; more get 429 and are closed. 0: no cap (behind a reverse proxy every client shares its address: cap there).',
      minimum: 0,
      default: defaultHttpLimits.maxConnectionsPerAddress,
    },
    ...tlsConfigSchemaProperties,
  },
} as const satisfies EnvSchema;

export type CommonConfig = ConfigOf<typeof commonConfigSchema>;

/** The HTTP server's limits as the environment sets them. */
export const httpLimitsOf = (env: CommonConfig): HttpLimits => ({
  headersTimeoutMs: env.KLAXON_HTTP_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: env.KLAXON_HTTP_REQUEST_TIMEOUT_MS,
  idleTimeoutMs: env.KLAXON_HTTP_IDLE_TIMEOUT_MS,
  maxConnectionsPerAddress: env.KLAXON_HTTP_MAX_CONNECTIONS_PER_ADDRESS,
});

function explain(error: ErrorObject): string {
  if (error.keyword === 'required') return `${String(error.params.missingProperty)} is required`;
  const name = error.instancePath.replace(/^\//, '');
  const allowed = error.keyword === 'enum' ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : '';
  // Values are left out: a malformed variable may still hold a secret.
  return `${name} ${error.message ?? 'is invalid'}${allowed}`;
}

/**
 * Reads and validates a service's settings once, at start. Only the schema's variables are read,
 * so unrelated environment variables are ignored; an empty variable counts as unset, since
 * compose files and charts often pass `VAR=` for "not configured". Every bad variable is named in
 * one error, so a misconfigured deploy is fixed in one round.
 */
export function loadConfig<S extends EnvSchema>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConfigOf<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true });
  const validate = ajv.compile(schema);
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map(explain);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return input as unknown as ConfigOf<S>;
}

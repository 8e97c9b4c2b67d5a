import { type DestinationStream, type Level, type Logger, pino, stdSerializers } from 'pino';
import { withoutQueryValues } from './query-errors';

export interface LoggerOptions {
  level: Level | 'silent';
  /** The service name, written on every line as `name`. */
  name: string;
}

/** Field names that hold credentials in PagerDuty-compatible payloads and our own config. */
const secretFields = ['routing_key', 'service_key', 'integration_key', 'token', 'password'];

/**
 * Paths pino censors. pino's `*` matches one level only, so secrets are caught at the top level
 * and one level down (`{ event: { routing_key } }`); deeper payloads must not be logged whole.
 */
export const redactPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-routing-key"]',
  ...secretFields,
  ...secretFields.map((field) => `*.${field}`),
];

/** The one pino logger of a process; `destination` is for tests that read what was written. */
export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const settings = {
    level: options.level,
    name: options.name,
    redact: { paths: [...redactPaths], censor: '[redacted]' },
    // A failed query is logged by its statement: its bound values are user data (query-errors.ts).
    serializers: { err: (err: unknown) => stdSerializers.err(withoutQueryValues(err) as Error) },
  };
  return destination ? pino(settings, destination) : pino(settings);
}

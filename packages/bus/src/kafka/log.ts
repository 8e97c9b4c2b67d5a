import { type LogEntry, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * kafkajs warnings we have answered in code, so they would only be noise:
 * - the idempotent producer runs with bounded retries (publish must fail fast), and the publisher
 *   replaces the producer after any failed send, which is what keeps that safe (see producer.ts).
 */
const handledWarnings = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/**
 * Routes kafkajs' own logging into pino (the client is created at WARN). kafkajs messages are free
 * text, so they go in a field beside one constant message, as every log line of ours does.
 */
export function kafkajsLogCreator(log: Logger) {
  const child = log.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }: LogEntry): void => {
      const { message, timestamp: _timestamp, stack, error, ...fields } = entry;
      if (handledWarnings.has(message)) return;
      const line = {
        namespace,
        kafkajsMessage: message,
        ...fields,
        ...(error !== undefined || stack !== undefined ? { err: { message: error, stack } } : {}),
      };
      if (level === logLevel.ERROR) child.error(line, 'kafkajs_error');
      else if (level === logLevel.WARN) child.warn(line, 'kafkajs_warning');
      else child.debug(line, 'kafkajs_debug');
    };
}

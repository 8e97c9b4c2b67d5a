export { type DeadLetter, deadLetterTopicSpecs, parseDeadLetter } from './dead-letter';
export { createKafkaBus, type KafkaBusOptions } from './kafka';
export * from './port';
export { createPostgresLogBus, type PostgresLogBusOptions } from './postgres-log';
export { isTransientError } from './transient-error';
export * from './typed';

export { createKafkaBus, type KafkaBusOptions } from './kafka';
export * from './port';
export { createPostgresLogBus, type PostgresLogBusOptions } from './postgres-log';
export * from './typed';

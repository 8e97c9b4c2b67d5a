export * from './api-tokens.table';
export * from './outbox.table';
export * from './schema';
export * from './users.table';

export * from './attempts.repository';
export * from './attempts.table';
export * from './incident-state.table';
export * from './posts.repository';
export * from './schema';
export * from './tables';
export * from './webhooks.table';

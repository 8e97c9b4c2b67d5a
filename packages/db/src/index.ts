export * from './catalog-replica.repository';
export * from './catalog-replica.table';
export * from './database';
export * from './embedded-server';
export * from './inbox';
export * from './insert-many';
export * from './migrate';
export * from './outbox';

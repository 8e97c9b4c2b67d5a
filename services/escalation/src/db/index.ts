export * from './catalog.repository';
export * from './handoffs.repository';
export * from './handoffs.table';
export * from './runs.repository';
export * from './runs.table';
export * from './schema';
export * from './tables';

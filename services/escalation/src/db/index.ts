export * from './catalog.repository';
export * from './runs.repository';
export * from './runs.table';
export * from './schema';
export * from './tables';

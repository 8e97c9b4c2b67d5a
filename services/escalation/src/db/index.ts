export * from './catalog.repository';
export * from './schema';
export * from './tables';

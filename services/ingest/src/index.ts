export { type IngestConfig, ingestConfigSchema, loadIngestConfig } from './config';
export { createRoutingTable, type Route, type RoutingTable } from './domain/routing-table';
export { type IngestOptions, ingestPlugin } from './plugin';

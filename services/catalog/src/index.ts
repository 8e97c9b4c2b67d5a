export { type CatalogConfig, catalogConfigSchema, loadCatalogConfig } from './config';
export { type CatalogOptions, catalogPlugin } from './plugin';

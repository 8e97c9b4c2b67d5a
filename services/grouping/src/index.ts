export { groupingCatalogTypes, groupingPlugin } from './plugin';

export { escalationCatalogTypes, escalationPlugin } from './plugin';

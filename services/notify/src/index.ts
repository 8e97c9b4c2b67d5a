export { notifyCatalogTypes, notifyPlugin } from './plugin';

export { loadNotifyConfig, type NotifyConfig, notifySettings } from './config';
export { type NotifyOptions, type NotifyWorkers, notifyCatalogTypes, notifyPlugin } from './plugin';

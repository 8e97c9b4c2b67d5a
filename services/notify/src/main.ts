import { runService } from '@klaxon/runtime';
import { loadNotifyConfig, notifySettings } from './config';
import { notifyPlugin } from './plugin';

// Runs notify alone (distributed mode), configured by environment.
const settings = notifySettings(loadNotifyConfig());
void runService({ name: 'notify', mount: (app, ctx) => app.register(notifyPlugin, { ...ctx, ...settings }) });

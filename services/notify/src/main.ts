import { runService } from '@klaxon/runtime';
import { notifyPlugin } from './plugin';

// Runs notify alone (distributed mode), configured by environment.
void runService({ name: 'notify', mount: (app, ctx) => app.register(notifyPlugin, ctx) });

import { runService } from '@klaxon/runtime';
import { escalationPlugin } from './plugin';

// Runs escalation alone (distributed mode), configured by environment.
void runService({ name: 'escalation', mount: (app, ctx) => app.register(escalationPlugin, ctx) });

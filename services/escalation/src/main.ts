import { runService } from '@klaxon/runtime';
import { escalationSettings, loadEscalationConfig } from './config';
import { escalationPlugin } from './plugin';

// Runs escalation alone (distributed mode), configured by environment.
const settings = escalationSettings(loadEscalationConfig());
void runService({ name: 'escalation', mount: (app, ctx) => app.register(escalationPlugin, { ...ctx, ...settings }) });

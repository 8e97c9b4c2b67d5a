import { runService } from '@klaxon/runtime';
import { groupingSettings, loadGroupingConfig } from './config';
import { groupingPlugin } from './plugin';

// Runs grouping alone (distributed mode), configured by environment.
const settings = groupingSettings(loadGroupingConfig());
void runService({ name: 'grouping', mount: (app, ctx) => app.register(groupingPlugin, { ...ctx, ...settings }) });

import { runService } from '@klaxon/runtime';
import { groupingPlugin } from './plugin';

// Runs grouping alone (distributed mode), configured by environment.
void runService({ name: 'grouping', mount: (app, ctx) => app.register(groupingPlugin, ctx) });

import { runService } from '@klaxon/runtime';
import { ingestPlugin } from './plugin';

// Runs ingest alone (distributed mode), configured by environment.
void runService({ name: 'ingest', mount: (app, ctx) => app.register(ingestPlugin, ctx) });

import { runService } from '@klaxon/runtime';
import { loadIngestConfig } from './config';
import { ingestPlugin } from './plugin';

// Runs ingest alone (distributed mode), configured by environment.
const config = loadIngestConfig();
void runService({ name: 'ingest', mount: (app, ctx) => app.register(ingestPlugin, { ...ctx, config }) });

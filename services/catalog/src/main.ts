import { runService } from '@klaxon/runtime';
import { loadCatalogConfig } from './config';
import { catalogPlugin } from './plugin';

// Runs the catalog alone (distributed mode), configured by environment.
const config = loadCatalogConfig();
void runService({ name: 'catalog', mount: (app, ctx) => app.register(catalogPlugin, { ...ctx, config }) });

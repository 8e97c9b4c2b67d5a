import { createApp, createLogger, onShutdown } from '@klaxon/kit';
import { apiDocsSources, loadConsoleConfig } from './config';
import { consolePlugin } from './plugin';

// The console alone (distributed layout): static files behind the gateway, which routes `/` and
// `/console/` here and every API path to its service. It keeps no state and opens no database. The
// gateway also routes /openapi.json and /docs here: no service holds every route, so the console
// serves the services' documents merged (KLAXON_API_DOCS_SOURCES).
async function main(): Promise<void> {
  const config = loadConsoleConfig();
  const log = createLogger({ level: config.KLAXON_LOG_LEVEL, name: 'console' });
  const app = createApp({ name: 'console', logger: log, apiDocs: { sources: apiDocsSources(config) } });
  await app.register(consolePlugin);
  await app.listen({ port: config.KLAXON_PORT, host: config.KLAXON_HOST });
  onShutdown(log, [() => app.close()]);
}

void main();

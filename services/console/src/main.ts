import { commonConfigSchema, createApp, createLogger, loadConfig, onShutdown } from '@klaxon/kit';
import { consolePlugin } from './plugin';

// The console alone (distributed layout): static files behind the gateway, which routes `/` and
// `/console/` here and every API path to its service. It keeps no state and opens no database.
async function main(): Promise<void> {
  const config = loadConfig(commonConfigSchema);
  const log = createLogger({ level: config.KLAXON_LOG_LEVEL, name: 'console' });
  const app = createApp({ name: 'console', logger: log });
  await app.register(consolePlugin);
  await app.listen({ port: config.KLAXON_PORT, host: config.KLAXON_HOST });
  onShutdown(log, [() => app.close()]);
}

void main();

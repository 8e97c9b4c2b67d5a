export { apiDocsSources, type ConsoleConfig, consoleConfigSchema, loadConsoleConfig } from './config';
export { type ConsoleOptions, consolePlugin } from './plugin';

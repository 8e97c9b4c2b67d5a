export { type ConsoleOptions, consolePlugin } from './plugin';

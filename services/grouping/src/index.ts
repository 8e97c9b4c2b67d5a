export { type GroupingOptions, groupingCatalogTypes, groupingPlugin } from './plugin';
export { startTimerPoller, type TimerPoller } from './timers/timer-poller';

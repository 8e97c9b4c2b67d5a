export { type GroupingConfig, groupingConfigSchema, groupingSettings, loadGroupingConfig } from './config';
export { type GroupingOptions, groupingCatalogTypes, groupingPlugin } from './plugin';
export { startTimerPoller, type TimerPoller } from './timers/timer-poller';

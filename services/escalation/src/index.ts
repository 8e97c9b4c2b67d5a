export { type EscalationConfig, escalationSettings, loadEscalationConfig } from './config';
export { type EscalationTimers, startEscalationTimers } from './escalations/timer-poller';
export { type EscalationOptions, escalationCatalogTypes, escalationPlugin } from './plugin';

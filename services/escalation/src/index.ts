export { type EscalationConfig, escalationSettings, loadEscalationConfig } from './config';
export { type EscalationOptions, escalationCatalogTypes, escalationPlugin } from './plugin';

import { type ConfigOf, type EnvSchema, loadConfig } from '@klaxon/kit';
import { restConfigSchema } from '@klaxon/rest';
import { maxOpenIncidentsToMove } from './domain/integrations';

export const catalogConfigSchema = {
  type: 'object',
  properties: {
    ...restConfigSchema.properties,
    KLAXON_BOOTSTRAP_TOKEN: {
      type: 'string',
      description: 'On a first start, creates the account owner and a full-access API token with this value.',
      minLength: 20,
    },
    KLAXON_BOOTSTRAP_EMAIL: {
      type: 'string',
      description: 'Email of the account owner created by KLAXON_BOOTSTRAP_TOKEN.',
      default: 'owner@klaxon.local',
    },
    KLAXON_MOVE_OPEN_INCIDENTS_LIMIT: {
      type: 'integer',
      description:
        'Moving an integration with more open incidents than this is refused (400 / 2019). Lowered only by tests.',
      minimum: 0,
      default: maxOpenIncidentsToMove,
    },
  },
} as const satisfies EnvSchema;

export type CatalogConfig = ConfigOf<typeof catalogConfigSchema>;

export const loadCatalogConfig = (env?: Record<string, string | undefined>): CatalogConfig =>
  loadConfig(catalogConfigSchema, env);

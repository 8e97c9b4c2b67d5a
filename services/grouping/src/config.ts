import { type ConfigOf, type EnvSchema, loadConfig } from '@klaxon/kit';
import { actionLinkConfigSchema, restConfigSchema } from '@klaxon/rest';

export const groupingConfigSchema = {
  type: 'object',
  properties: { ...restConfigSchema.properties, ...actionLinkConfigSchema.properties },
} as const satisfies EnvSchema;

export type GroupingConfig = ConfigOf<typeof groupingConfigSchema>;

export const loadGroupingConfig = (env?: Record<string, string | undefined>): GroupingConfig =>
  loadConfig(groupingConfigSchema, env);

/** The plugin options a configuration gives. */
export const groupingSettings = (config: GroupingConfig) => ({
  publicUrl: config.KLAXON_PUBLIC_URL || undefined,
  trustedProxies: config.KLAXON_TRUSTED_PROXIES,
  apiRateLimit: config.KLAXON_API_RATE_LIMIT,
  actionLinkKey: config.KLAXON_ACTION_LINK_SECRET,
});

import { type ConfigOf, type EnvSchema, loadConfig } from '@klaxon/kit';
import { restConfigSchema } from '@klaxon/rest';

export const escalationConfigSchema = {
  type: 'object',
  properties: { ...restConfigSchema.properties },
} as const satisfies EnvSchema;

export type EscalationConfig = ConfigOf<typeof escalationConfigSchema>;

export const loadEscalationConfig = (env?: Record<string, string | undefined>): EscalationConfig =>
  loadConfig(escalationConfigSchema, env);

/** The plugin options a configuration gives. */
export const escalationSettings = (config: EscalationConfig) => ({
  publicUrl: config.KLAXON_PUBLIC_URL || undefined,
  trustedProxies: config.KLAXON_TRUSTED_PROXIES,
  apiRateLimit: config.KLAXON_API_RATE_LIMIT,
});

import { type ConfigOf, type EnvSchema, loadConfig } from '@klaxon/kit';
import { actionLinkConfigSchema, restConfigSchema } from '@klaxon/rest';

export const notifyConfigSchema = {
  type: 'object',
  properties: {
    ...restConfigSchema.properties,
    ...actionLinkConfigSchema.properties,
    KLAXON_SMTP_URL: {
      type: 'string',
      description:
        'SMTP server for email notifications, e.g. smtp://user:pass@mail.example.com:587 (smtps:// for TLS); unset: email attempts fail with "email is not configured".',
    },
    KLAXON_SMTP_FROM: {
      type: 'string',
      description: 'From address of notification emails.',
      default: 'Klaxon <klaxon@localhost>',
    },
    KLAXON_TWILIO_BASE_URL: {
      type: 'string',
      description: 'Base URL of the Twilio-compatible REST API used for SMS and voice calls.',
      default: 'https://api.twilio.com',
    },
    KLAXON_TWILIO_ACCOUNT_SID: {
      type: 'string',
      description:
        'Twilio account SID (basic-auth user and URL path); unset: SMS and voice attempts fail with "twilio is not configured".',
    },
    KLAXON_TWILIO_AUTH_TOKEN: { type: 'string', description: 'Twilio auth token (basic-auth password).' },
    KLAXON_TWILIO_FROM: { type: 'string', description: 'Twilio phone number SMS and calls come from (E.164).' },
    KLAXON_SLACK_WEBHOOK_URL: {
      type: 'string',
      description: 'Slack incoming webhook URL: incidents triggered, acknowledged and resolved are posted there.',
    },
    KLAXON_TEAMS_WEBHOOK_URL: {
      type: 'string',
      description:
        'Microsoft Teams workflow webhook URL ("When a Teams webhook request is received"): same posts as Slack.',
    },
    KLAXON_NOTIFY_STORM_WINDOW_SECONDS: {
      type: 'integer',
      description:
        'A user gets at most one SMS and one call per this many seconds; further incidents are bundled into the next one.',
      minimum: 0,
      default: 60,
    },
    KLAXON_WEBHOOK_ALLOWED_HOSTS: {
      type: 'string',
      description:
        'Comma-separated host names or IP addresses webhook and chat URLs may reach even though they resolve to loopback, private, link-local or metadata addresses (refused otherwise).',
      default: '',
    },
    KLAXON_WEBHOOK_TIMEOUT_MS: {
      type: 'integer',
      description: 'How long a webhook or chat receiver has to answer (PagerDuty: 5 s).',
      minimum: 100,
      default: 5000,
    },
    KLAXON_NOTIFY_POLL_MS: {
      type: 'integer',
      description: 'How often due notification rules and webhook retries are polled, in ms.',
      minimum: 10,
      default: 500,
    },
  },
} as const satisfies EnvSchema;

export type NotifyConfig = ConfigOf<typeof notifyConfigSchema>;

export const loadNotifyConfig = (env?: Record<string, string | undefined>): NotifyConfig =>
  loadConfig(notifyConfigSchema, env);

/** The plugin options a configuration gives. */
export const notifySettings = (config: NotifyConfig) => ({
  publicUrl: config.KLAXON_PUBLIC_URL || undefined,
  trustedProxies: config.KLAXON_TRUSTED_PROXIES,
  apiRateLimit: config.KLAXON_API_RATE_LIMIT,
  pollMs: config.KLAXON_NOTIFY_POLL_MS,
  stormWindowSeconds: config.KLAXON_NOTIFY_STORM_WINDOW_SECONDS,
  actionLinks: config.KLAXON_ACTION_LINK_SECRET
    ? { key: config.KLAXON_ACTION_LINK_SECRET, ttlHours: config.KLAXON_ACTION_LINK_TTL_HOURS }
    : undefined,
  email: config.KLAXON_SMTP_URL ? { url: config.KLAXON_SMTP_URL, from: config.KLAXON_SMTP_FROM } : undefined,
  twilio:
    config.KLAXON_TWILIO_ACCOUNT_SID && config.KLAXON_TWILIO_AUTH_TOKEN && config.KLAXON_TWILIO_FROM
      ? {
          baseUrl: config.KLAXON_TWILIO_BASE_URL,
          accountSid: config.KLAXON_TWILIO_ACCOUNT_SID,
          authToken: config.KLAXON_TWILIO_AUTH_TOKEN,
          from: config.KLAXON_TWILIO_FROM,
        }
      : undefined,
  chat: {
    ...(config.KLAXON_SLACK_WEBHOOK_URL ? { slack: config.KLAXON_SLACK_WEBHOOK_URL } : {}),
    ...(config.KLAXON_TEAMS_WEBHOOK_URL ? { teams: config.KLAXON_TEAMS_WEBHOOK_URL } : {}),
  },
  http: {
    allowedHosts: config.KLAXON_WEBHOOK_ALLOWED_HOSTS.split(',')
      .map((h) => h.trim())
      .filter((h) => h !== ''),
    timeoutMs: config.KLAXON_WEBHOOK_TIMEOUT_MS,
  },
});

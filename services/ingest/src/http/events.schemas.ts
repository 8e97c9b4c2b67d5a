// The Events API's OpenAPI description. The endpoints check events themselves (domain/validate-*.ts),
// so that every refusal has PagerDuty's Events API shape and sentences; the request bodies below
// document what they take and are not used to validate (events.routes.ts turns validation off).

const eventsTags = ['Events API'];
const text = { type: 'string' } as const;
const anyObject = { type: 'object' } as const;
const arrayOf = (items: object) => ({ type: 'array', items }) as const;

/** `{status, message, errors?}`: every answer of the Events API, accepted or refused (event-replies.ts). */
const eventReply = (description: string, extra: Record<string, object> = {}) => ({
  description,
  type: 'object',
  required: ['status', 'message'],
  properties: { status: text, message: text, errors: arrayOf(text), ...extra },
});

const refusals = (throttled: 429 | 403) => ({
  400: eventReply('The event is invalid, not JSON, or its routing key is unknown'),
  [throttled]: eventReply('Too many events for this integration key; retry later'),
  413: eventReply('The body is larger than 512 KB (after decompression)'),
  503: eventReply('The event could not be appended: send the same request again'),
});

const link = { type: 'object', required: ['href'], properties: { href: text, text } } as const;
const image = { type: 'object', required: ['src'], properties: { src: text, href: text, alt: text } } as const;
const severity = { type: 'string', enum: ['critical', 'error', 'warning', 'info'] } as const;

export const enqueueSchema = {
  tags: eventsTags,
  summary: 'Send an alert event (Events API v2)',
  security: [],
  body: {
    type: 'object',
    required: ['routing_key', 'event_action'],
    properties: {
      routing_key: { type: 'string', description: "The integration's 32-character key." },
      event_action: { type: 'string', enum: ['trigger', 'acknowledge', 'resolve'] },
      dedup_key: { type: 'string', maxLength: 255 },
      payload: {
        type: 'object',
        required: ['summary', 'source', 'severity'],
        properties: {
          summary: { type: 'string', maxLength: 1024 },
          source: text,
          severity,
          timestamp: { type: 'string', format: 'date-time' },
          component: text,
          group: text,
          class: text,
          custom_details: anyObject,
        },
      },
      client: text,
      client_url: text,
      links: arrayOf(link),
      images: arrayOf(image),
    },
  },
  response: {
    202: eventReply('The event is durably appended and will become an alert', { dedup_key: text }),
    ...refusals(429),
  },
};

export const changeEnqueueSchema = {
  tags: eventsTags,
  summary: 'Send a change event (Events API v2)',
  security: [],
  body: {
    type: 'object',
    required: ['routing_key', 'payload'],
    properties: {
      routing_key: text,
      payload: {
        type: 'object',
        required: ['summary'],
        properties: {
          summary: { type: 'string', maxLength: 1024 },
          source: text,
          timestamp: { type: 'string', format: 'date-time' },
          custom_details: anyObject,
        },
      },
      links: arrayOf(link),
      images: arrayOf(image),
    },
  },
  response: { 202: eventReply('The change event is durably appended'), ...refusals(429) },
};

export const v1EventSchema = {
  tags: eventsTags,
  summary: 'Send an event (Events API v1)',
  security: [],
  body: {
    type: 'object',
    required: ['service_key', 'event_type'],
    properties: {
      service_key: text,
      event_type: { type: 'string', enum: ['trigger', 'acknowledge', 'resolve'] },
      incident_key: text,
      description: { type: 'string', maxLength: 1024 },
      details: anyObject,
      client: text,
      client_url: text,
      contexts: arrayOf(anyObject),
    },
  },
  response: {
    200: eventReply('The event is durably appended and will become an alert', { incident_key: text }),
    ...refusals(403),
  },
};

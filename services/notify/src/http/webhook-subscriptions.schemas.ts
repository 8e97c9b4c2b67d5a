import { noContent } from '@klaxon/kit';
import { anyObject, arrayOf, boolean, listBody, nullableText, paginationQuery, text, wrappedBody } from '@klaxon/rest';

const filter = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string', enum: ['account_reference', 'service_reference', 'team_reference'] },
  },
} as const;

const tags = ['Webhooks'];

const events = { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } } as const;

export const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

/** A webhook subscription as rendered (subscriptionView); the secret only in the answer that creates it. */
const subscriptionBody = {
  type: 'object',
  required: ['id', 'type', 'active', 'delivery_method', 'events', 'filter'],
  properties: {
    id: text,
    type: { type: 'string', enum: ['webhook_subscription'] },
    active: boolean,
    delivery_method: {
      type: 'object',
      required: ['id', 'type', 'url'],
      properties: {
        id: text,
        secret: nullableText,
        temporarily_disabled: boolean,
        type: { type: 'string', enum: ['http_delivery_method'] },
        url: text,
        custom_headers: arrayOf(anyObject),
      },
    },
    description: nullableText,
    events: arrayOf(text),
    filter: { type: 'object', required: ['type'], properties: { id: text, type: text } },
  },
} as const;
const oneSubscription = wrappedBody('webhook_subscription', subscriptionBody);

export const showSchema = {
  tags,
  summary: 'Get a webhook subscription',
  params: idParams,
  response: { 200: oneSubscription },
};
export const deleteSchema = {
  tags,
  summary: 'Delete a webhook subscription',
  params: idParams,
  response: { 204: noContent },
};
export const enableSchema = {
  tags,
  summary: 'Enable a temporarily disabled webhook subscription',
  params: idParams,
  response: { 200: oneSubscription },
};
export const pingSchema = {
  tags,
  summary: 'Test a webhook subscription (sends a ping event)',
  params: idParams,
  response: { 202: { type: 'null', description: 'The ping is queued' } },
};

export const listSchema = {
  tags,
  summary: 'List webhook subscriptions',
  querystring: {
    type: 'object',
    properties: {
      ...paginationQuery,
      filter_type: { type: 'string', enum: ['account', 'service', 'team'] },
      filter_id: { type: 'string' },
    },
  },
  response: { 200: listBody('webhook_subscriptions', subscriptionBody) },
} as const;

export const createSchema = {
  tags,
  summary: 'Create a webhook subscription',
  body: {
    type: 'object',
    required: ['webhook_subscription'],
    properties: {
      webhook_subscription: {
        type: 'object',
        required: ['delivery_method', 'events', 'filter'],
        properties: {
          type: { type: 'string', enum: ['webhook_subscription'] },
          active: { type: 'boolean' },
          description: { type: 'string' },
          events,
          filter: { ...filter, required: ['type'] },
          delivery_method: {
            type: 'object',
            required: ['url'],
            properties: {
              type: { type: 'string', enum: ['http_delivery_method'] },
              url: { type: 'string', minLength: 1 },
              custom_headers: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['name', 'value'],
                  properties: { name: { type: 'string', minLength: 1 }, value: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
  },
  response: { 200: oneSubscription },
} as const;

export const updateSchema = {
  tags,
  summary: 'Update a webhook subscription',
  params: idParams,
  body: {
    type: 'object',
    required: ['webhook_subscription'],
    properties: {
      webhook_subscription: {
        type: 'object',
        properties: {
          description: { type: 'string' },
          events,
          filter,
          active: { type: 'boolean' },
          oauth_client_id: { type: ['string', 'null'] },
        },
      },
    },
  },
  response: { 200: oneSubscription },
} as const;

export interface CreateBody {
  webhook_subscription: {
    active?: boolean;
    description?: string;
    events: string[];
    filter: { id?: string; type: 'account_reference' | 'service_reference' | 'team_reference' };
    delivery_method: { url: string; custom_headers?: { name: string; value: string }[] };
  };
}

export interface UpdateBody {
  webhook_subscription: {
    description?: string;
    events?: string[];
    filter?: { id?: string; type?: 'account_reference' | 'service_reference' | 'team_reference' };
    active?: boolean;
  };
}

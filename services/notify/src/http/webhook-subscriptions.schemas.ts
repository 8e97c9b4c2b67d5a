import { paginationQuery } from '@klaxon/rest';

const filter = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string', enum: ['account_reference', 'service_reference', 'team_reference'] },
  },
} as const;

const events = { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } } as const;

export const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

export const listSchema = {
  querystring: {
    type: 'object',
    properties: {
      ...paginationQuery,
      filter_type: { type: 'string', enum: ['account', 'service', 'team'] },
      filter_id: { type: 'string' },
    },
  },
} as const;

export const createSchema = {
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
} as const;

export const updateSchema = {
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

import { noContent } from '@klaxon/kit';
import { anyObject, arrayOf, objectBody, objectOrReference, referenceBody, text, wrappedBody } from '@klaxon/rest';
import { integrationTypes } from '../domain/integrations';
import { refInput, showQuery, wrapped } from './common.schemas';
import { vendorBody } from './vendors.schemas';

export const integrationParams = {
  type: 'object',
  required: ['id', 'integration_id'],
  properties: { id: { type: 'string', minLength: 1 }, integration_id: { type: 'string', minLength: 1 } },
} as const;

const mode = { type: 'string', enum: ['match', 'no-match', 'always'] } as const;

const integrationFields = {
  type: { type: 'string', enum: [...integrationTypes] },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  vendor: { ...refInput, nullable: true },
  integration_email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
  email_incident_creation: {
    type: 'string',
    enum: ['on_new_email', 'on_new_email_subject', 'only_if_no_open_incidents', 'use_rules'],
  },
  email_filter_mode: { type: 'string', enum: ['all-email', 'or-rules-email', 'and-rules-email'] },
  email_filters: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      required: ['subject_mode', 'body_mode', 'from_email_mode'],
      properties: {
        subject_mode: mode,
        subject_regex: { type: 'string' },
        body_mode: mode,
        body_regex: { type: 'string' },
        from_email_mode: mode,
        from_email_regex: { type: 'string' },
      },
    },
  },
  email_parsers: { type: 'array', minItems: 1, items: { type: 'object' } },
  email_parsing_fallback: { type: 'string', enum: ['open_new_incident', 'discard'] },
} as const;

/** An integration as rendered (views/integration.view.ts). */
export const integrationBody = objectBody(integrationTypes, {
  name: text,
  service: referenceBody,
  created_at: text,
  vendor: objectOrReference(vendorBody),
  integration_key: text,
  integration_email: text,
  email_filters: arrayOf(anyObject),
  email_parsers: arrayOf(anyObject),
});

const oneIntegration = wrappedBody('integration', integrationBody);

export const createIntegrationSchema = {
  tags: ['Services'],
  summary: 'Create an integration on a service',
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } },
  body: wrapped('integration', { type: 'object', properties: integrationFields }),
  response: { 201: oneIntegration },
};

export const showIntegrationSchema = {
  tags: ['Services'],
  summary: 'Get an integration',
  params: integrationParams,
  querystring: showQuery(['services', 'vendors']),
  response: { 200: oneIntegration },
};

export const updateIntegrationSchema = {
  tags: ['Services'],
  summary: 'Update an integration (name and email settings)',
  params: integrationParams,
  body: wrapped('integration', { type: 'object', properties: integrationFields }),
  response: { 200: oneIntegration },
};

export const deleteIntegrationSchema = {
  tags: ['Services'],
  summary: 'Delete an integration (its incidents stay)',
  params: integrationParams,
  response: { 204: noContent },
};

export const regenerateKeySchema = {
  tags: ['Klaxon'],
  summary: "Regenerate an integration's key (Klaxon addition)",
  description: 'Gives the integration a new random 32-character `integration_key`; the old key stops working at once.',
  params: integrationParams,
  response: { 200: oneIntegration },
};

export const moveIntegrationSchema = {
  tags: ['Klaxon'],
  summary: 'Move an integration to another service (Klaxon addition)',
  description:
    "The key stays the same and its incidents follow. Refused (400, code 2019) while the integration has more than 8,000 open incidents, or when the target service already has 250 integrations. The answer lists `warnings` where the two services' settings differ.",
  params: integrationParams,
  body: wrapped('service', refInput),
  response: {
    200: {
      type: 'object',
      required: ['integration', 'warnings'],
      properties: { integration: integrationBody, warnings: arrayOf(text) },
    },
  },
};

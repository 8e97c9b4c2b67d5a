import { noContent } from '@klaxon/kit';
import {
  anyObject,
  arrayOf,
  dateTime,
  idsQuery,
  listBody,
  nullableInteger,
  objectBody,
  objectOrReference,
  text,
  wrappedBody,
} from '@klaxon/rest';
import { alertGroupingTypes } from '../domain/service-settings';
import { idParams, listQuery, queryText, refInput, showQuery, teamsBody, wrapped } from './common.schemas';
import { policyBody } from './escalation-policies.schemas';
import { integrationBody } from './integrations.schemas';

export const serviceIncludes = [
  'escalation_policies',
  'teams',
  'integrations',
  'auto_pause_notifications_parameters',
] as const;

const urgencyType = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['constant', 'use_support_hours'] },
    urgency: { type: 'string', enum: ['low', 'high', 'severity_based'] },
  },
} as const;

const serviceFields = {
  type: { type: 'string', enum: ['service'] },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: { type: 'string', nullable: true, maxLength: 1024 },
  escalation_policy: refInput,
  auto_resolve_timeout: { type: 'integer', nullable: true, minimum: 0 },
  acknowledgement_timeout: { type: 'integer', nullable: true, minimum: 0 },
  status: { type: 'string', enum: ['active', 'warning', 'critical', 'maintenance', 'disabled'] },
  alert_creation: { type: 'string', enum: ['create_incidents', 'create_alerts_and_incidents'] },
  alert_grouping_parameters: {
    type: 'object',
    nullable: true,
    properties: {
      type: { type: 'string', nullable: true, enum: [...alertGroupingTypes, null] },
      config: { type: 'object', nullable: true },
    },
  },
  alert_grouping: { type: 'string', nullable: true, enum: ['time', 'intelligent', null], deprecated: true },
  alert_grouping_timeout: { type: 'integer', nullable: true, minimum: 0, deprecated: true },
  incident_urgency_rule: {
    type: 'object',
    properties: { ...urgencyType.properties, during_support_hours: urgencyType, outside_support_hours: urgencyType },
  },
  support_hours: {
    type: 'object',
    nullable: true,
    properties: {
      type: { type: 'string', enum: ['fixed_time_per_day'] },
      time_zone: { type: 'string' },
      days_of_week: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 } },
      start_time: { type: 'string' },
      end_time: { type: 'string' },
    },
  },
  scheduled_actions: {
    type: 'array',
    items: {
      type: 'object',
      required: ['type', 'at', 'to_urgency'],
      properties: {
        type: { type: 'string', enum: ['urgency_change'] },
        at: {
          type: 'object',
          required: ['type', 'name'],
          properties: {
            type: { type: 'string', enum: ['named_time'] },
            name: { type: 'string', enum: ['support_hours_start', 'support_hours_end'] },
          },
        },
        to_urgency: { type: 'string', enum: ['high'] },
      },
    },
  },
  auto_pause_notifications_parameters: {
    type: 'object',
    properties: {
      enabled: { type: 'boolean' },
      timeout: { type: 'integer', nullable: true, enum: [0, 120, 180, 300, 600, 900, null] },
    },
  },
} as const;

/** A service as rendered (views/service.view.ts); `include[]` expands its references. */
export const serviceBody = objectBody('service', {
  name: text,
  description: text,
  auto_resolve_timeout: nullableInteger,
  acknowledgement_timeout: nullableInteger,
  created_at: dateTime,
  status: { type: 'string', enum: ['active', 'warning', 'critical', 'maintenance', 'disabled'] },
  escalation_policy: objectOrReference(policyBody),
  teams: teamsBody,
  integrations: arrayOf(objectOrReference(integrationBody)),
  incident_urgency_rule: anyObject,
  support_hours: anyObject,
  scheduled_actions: arrayOf(anyObject),
  addons: arrayOf(anyObject),
  alert_creation: text,
  alert_grouping_parameters: anyObject,
  auto_pause_notifications_parameters: anyObject,
});

const oneService = wrappedBody('service', serviceBody);

export const listServicesSchema = {
  tags: ['Services'],
  summary: 'List services',
  querystring: listQuery(serviceIncludes, {
    query: queryText,
    name: { type: 'string' },
    'team_ids[]': idsQuery,
    time_zone: { type: 'string' },
    sort_by: { type: 'string', enum: ['name', 'name:asc', 'name:desc'] },
  }),
  response: { 200: listBody('services', serviceBody) },
};

export const createServiceSchema = {
  tags: ['Services'],
  summary: 'Create a service',
  description:
    'Without `escalation_policy`, Klaxon creates a policy named after the service whose first level is the requester (the token’s user; `From` never chooses the actor), as the web app offers.',
  body: wrapped('service', { type: 'object', required: ['name'], properties: serviceFields }),
  response: { 201: oneService },
};

export const showServiceSchema = {
  tags: ['Services'],
  summary: 'Get a service',
  params: idParams,
  querystring: showQuery(serviceIncludes),
  response: { 200: oneService },
};

export const updateServiceSchema = {
  tags: ['Services'],
  summary: 'Update a service',
  params: idParams,
  body: wrapped('service', { type: 'object', properties: serviceFields }),
  response: { 200: oneService },
};

export const deleteServiceSchema = {
  tags: ['Services'],
  summary: 'Delete a service',
  params: idParams,
  response: { 204: noContent },
};

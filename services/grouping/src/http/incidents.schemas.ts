import { includeQuery } from '@klaxon/rest';
import { incidentIncludes } from './incident-query';

const ref = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } } as const;
// A priority by reference id (as documented), by name, or as a bare name (clients send all three).
const priorityRef = {
  anyOf: [
    ref,
    { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    { type: 'string', minLength: 1 },
    { type: 'null' },
  ],
} as const;

/** The manageable fields of an incident (PUT /incidents/{id} and each item of PUT /incidents). */
export const manageFields = {
  type: { type: 'string' },
  status: { type: 'string', enum: ['triggered', 'acknowledged', 'resolved'] },
  resolution: { type: 'string' },
  title: { type: 'string', maxLength: 1024 },
  priority: priorityRef,
  escalation_level: { type: 'integer' },
  assignments: {
    type: 'array',
    items: { type: 'object', required: ['assignee'], properties: { assignee: ref } },
  },
  escalation_policy: ref,
  urgency: { type: 'string', enum: ['high', 'low'] },
} as const;

export const showIncidentSchema = {
  querystring: { type: 'object', properties: { 'include[]': includeQuery(incidentIncludes) } },
} as const;

export const createIncidentSchema = {
  body: {
    type: 'object',
    required: ['incident'],
    properties: {
      incident: {
        type: 'object',
        required: ['title', 'service'],
        properties: {
          type: { type: 'string', enum: ['incident'] },
          title: { type: 'string', minLength: 1, maxLength: 1024 },
          service: ref,
          urgency: { type: 'string', enum: ['high', 'low'] },
          priority: priorityRef,
          body: { type: 'object', properties: { details: {} } },
          incident_key: { type: 'string', maxLength: 255 },
          assignments: manageFields.assignments,
          escalation_policy: ref,
        },
      },
    },
  },
} as const;

export const updateIncidentSchema = {
  body: {
    type: 'object',
    required: ['incident'],
    properties: { incident: { type: 'object', properties: manageFields } },
  },
} as const;

export const bulkUpdateSchema = {
  body: {
    type: 'object',
    required: ['incidents'],
    properties: {
      incidents: {
        type: 'array',
        items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, ...manageFields } },
      },
    },
  },
} as const;

export const mergeSchema = {
  body: {
    type: 'object',
    required: ['source_incidents'],
    properties: { source_incidents: { type: 'array', items: ref } },
  },
} as const;

export const snoozeSchema = {
  body: { type: 'object', required: ['duration'], properties: { duration: { type: 'integer' } } },
} as const;

export const noteSchema = {
  body: {
    type: 'object',
    required: ['note'],
    properties: {
      note: { type: 'object', required: ['content'], properties: { content: { type: 'string', minLength: 1 } } },
    },
  },
} as const;

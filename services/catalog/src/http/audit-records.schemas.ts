import { arrayOf, cursorListBody, dateTime, nullableText, referenceBody, text } from '@klaxon/rest';
import { auditActions, rootResourceTypes } from '../domain/audit-changes';
import { idParams } from './common.schemas';

/** The aggregates with their own `/{type}/{id}/audit/records`, and what a missing one is called. */
export const auditedAggregates = {
  users: 'User',
  teams: 'Team',
  escalation_policies: 'Escalation policy',
  schedules: 'Schedule',
  services: 'Service',
} as const;
export type AuditedAggregate = keyof typeof auditedAggregates;

// PagerDuty's cursor pagination and time window, shared by every audit records endpoint.
const windowQuery = {
  limit: { type: 'integer', minimum: 1, description: 'Records per page; default 25, at most 100.' },
  cursor: { type: 'string', minLength: 1, description: 'The `next_cursor` of the previous page.' },
  since: { type: 'string', minLength: 1, description: 'Start of the range (ISO 8601); default 24 hours ago.' },
  until: {
    type: 'string',
    minLength: 1,
    description: 'End of the range (ISO 8601); default now. At most 31 days after `since`.',
  },
} as const;

/** How an audited change was made (PagerDuty's `method.type`, also the `method_type` filter). */
const methodTypes = ['browser', 'oauth', 'api_token', 'identity_provider', 'other'] as const;

const nullable = (schema: object) => ({ ...schema, nullable: true }) as const;

/** A change to one reference field of the resource: what was added to it and removed from it. */
const referenceChangeBody = {
  type: 'object',
  required: ['name'],
  properties: {
    name: text,
    description: nullableText,
    added: nullable(arrayOf(referenceBody)),
    removed: nullable(arrayOf(referenceBody)),
  },
} as const;

/** PagerDuty's AuditRecord, as views/audit-record.view.ts renders it (no `type` or `summary`, as in the spec). */
const auditRecordBody = {
  type: 'object',
  required: ['id', 'execution_time', 'method', 'root_resource', 'action'],
  properties: {
    id: text,
    self: nullableText,
    execution_time: dateTime,
    execution_context: nullable({
      type: 'object',
      properties: { request_id: nullableText, remote_address: nullableText },
    }),
    actors: nullable(arrayOf(referenceBody)),
    method: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: [...methodTypes] },
        truncated_token: nullableText,
        description: nullableText,
      },
    },
    root_resource: referenceBody,
    action: { type: 'string', enum: [...auditActions] },
    details: nullable({
      type: 'object',
      required: ['resource'],
      properties: {
        resource: referenceBody,
        fields: nullable(
          arrayOf({
            type: 'object',
            required: ['name'],
            properties: { name: text, description: nullableText, value: nullableText, before_value: nullableText },
          }),
        ),
        references: nullable(arrayOf(referenceChangeBody)),
      },
    }),
  },
} as const;

/** Newest first, a page of at most `limit` records and the cursor of the next page. */
const auditRecordsResponse = {
  200: cursorListBody('records', auditRecordBody, 'Records matching the query, newest first'),
};

export interface AuditRecordsQuery {
  limit?: number;
  cursor?: string;
  since?: string;
  until?: string;
  'root_resource_types[]'?: string[];
  actor_type?: string;
  actor_id?: string;
  method_type?: string;
  method_truncated_token?: string;
  'actions[]'?: string[];
}

export const listAuditRecordsSchema = {
  tags: ['Audit'],
  summary: 'List audit records (owners and admins)',
  querystring: {
    type: 'object',
    properties: {
      ...windowQuery,
      'root_resource_types[]': { type: 'array', items: { type: 'string', enum: [...rootResourceTypes] } },
      actor_type: { type: 'string', enum: ['user_reference', 'api_key_reference', 'app_reference'] },
      actor_id: { type: 'string', minLength: 1, description: 'Requires `actor_type`.' },
      method_type: { type: 'string', enum: [...methodTypes] },
      method_truncated_token: { type: 'string', minLength: 1, description: 'Requires `method_type`.' },
      'actions[]': { type: 'array', items: { type: 'string', enum: [...auditActions] } },
    },
  },
  response: auditRecordsResponse,
} as const;

export const resourceAuditRecordsSchema = (aggregate: AuditedAggregate) => ({
  tags: ['Audit'],
  summary: `List audit records for a ${auditedAggregates[aggregate].toLowerCase()}`,
  params: idParams,
  querystring: { type: 'object', properties: windowQuery },
  response: auditRecordsResponse,
});

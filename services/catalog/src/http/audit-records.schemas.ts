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
      method_type: { type: 'string', enum: ['browser', 'oauth', 'api_token', 'identity_provider', 'other'] },
      method_truncated_token: { type: 'string', minLength: 1, description: 'Requires `method_type`.' },
      'actions[]': { type: 'array', items: { type: 'string', enum: [...auditActions] } },
    },
  },
} as const;

export const resourceAuditRecordsSchema = (aggregate: AuditedAggregate) => ({
  tags: ['Audit'],
  summary: `List audit records for a ${auditedAggregates[aggregate].toLowerCase()}`,
  params: idParams,
  querystring: { type: 'object', properties: windowQuery },
});

import { noContent } from '@klaxon/kit';
import {
  anyObject,
  arrayOf,
  idsQuery,
  integer,
  listBody,
  objectBody,
  referenceBody,
  text,
  wrappedBody,
} from '@klaxon/rest';
import { idParams, listQuery, queryText, refInput, showQuery, teamsBody, wrapped } from './common.schemas';

export const policyIncludes = ['services', 'teams', 'targets', 'escalation_rule_assignment_strategies'] as const;

const target = {
  type: 'object',
  required: ['id', 'type'],
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { type: 'string', enum: ['user', 'schedule', 'user_reference', 'schedule_reference'] },
  },
} as const;

const policyFields = {
  type: { type: 'string', enum: ['escalation_policy'] },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: { type: 'string', nullable: true, maxLength: 1024 },
  num_loops: { type: 'integer', minimum: 0, maximum: 9 },
  on_call_handoff_notifications: { type: 'string', enum: ['if_has_services', 'always'] },
  escalation_rules: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      required: ['escalation_delay_in_minutes', 'targets'],
      properties: {
        id: { type: 'string' },
        escalation_delay_in_minutes: { type: 'integer', minimum: 1 },
        targets: { type: 'array', minItems: 1, maxItems: 10, items: target },
        // A string in the spec; an object `{type}` as the Terraform provider's client sends it.
        escalation_rule_assignment_strategy: {
          anyOf: [
            { type: 'string', enum: ['round_robin', 'assign_to_everyone'] },
            {
              type: 'object',
              required: ['type'],
              properties: { type: { type: 'string', enum: ['round_robin', 'assign_to_everyone'] } },
            },
          ],
        },
      },
    },
  },
  // null (as Go clients send an unset list) means no team.
  teams: { type: 'array', nullable: true, maxItems: 1, items: refInput },
} as const;

/** An escalation policy as rendered (views/escalation-policy.view.ts). */
export const policyBody = objectBody('escalation_policy', {
  name: text,
  description: text,
  num_loops: integer,
  on_call_handoff_notifications: text,
  escalation_rules: arrayOf({
    type: 'object',
    required: ['id', 'escalation_delay_in_minutes', 'targets'],
    properties: {
      id: text,
      escalation_delay_in_minutes: integer,
      targets: arrayOf(referenceBody),
      escalation_rule_assignment_strategy: anyObject,
    },
  }),
  services: arrayOf(referenceBody),
  teams: teamsBody,
});

const onePolicy = wrappedBody('escalation_policy', policyBody);

export const listPoliciesSchema = {
  tags: ['Escalation Policies'],
  summary: 'List escalation policies',
  querystring: listQuery(policyIncludes, {
    query: queryText,
    'user_ids[]': idsQuery,
    'team_ids[]': idsQuery,
    sort_by: { type: 'string', enum: ['name', 'name:asc', 'name:desc'] },
  }),
  response: { 200: listBody('escalation_policies', policyBody) },
};
export const createPolicySchema = {
  tags: ['Escalation Policies'],
  summary: 'Create an escalation policy',
  body: wrapped('escalation_policy', {
    type: 'object',
    required: ['name', 'escalation_rules'],
    properties: policyFields,
  }),
  response: { 201: onePolicy },
};
export const showPolicySchema = {
  tags: ['Escalation Policies'],
  summary: 'Get an escalation policy',
  params: idParams,
  querystring: showQuery(policyIncludes),
  response: { 200: onePolicy },
};
export const updatePolicySchema = {
  tags: ['Escalation Policies'],
  summary: 'Update an escalation policy',
  params: idParams,
  body: wrapped('escalation_policy', { type: 'object', properties: policyFields }),
  response: { 200: onePolicy },
};
export const deletePolicySchema = {
  tags: ['Escalation Policies'],
  summary: 'Delete an escalation policy (refused while a service uses it)',
  params: idParams,
  response: { 204: noContent },
};

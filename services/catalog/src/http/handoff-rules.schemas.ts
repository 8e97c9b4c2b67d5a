import { noContent } from '@klaxon/kit';
import { arrayOf, integer, referenceBody, text, wrappedBody } from '@klaxon/rest';
import { idParams, refInput, wrapped } from './common.schemas';
import { childParams } from './contact-methods.schemas';

/** PagerDuty's HandoffNotificationRule as input; `id` is read-only and ignored. */
const ruleFields = {
  id: { type: 'string' },
  notify_advance_in_minutes: { type: 'integer', minimum: 0, maximum: 10_080 },
  handoff_type: { type: 'string', enum: ['both', 'oncall', 'offcall'] },
  contact_method: refInput,
} as const;

/**
 * PagerDuty's HandoffNotificationRule as rendered (views/user.view.ts): no `type` or `summary`, as in
 * the spec; `contact_method` is the method's reference.
 */
const handoffRuleBody = {
  type: 'object',
  required: ['id', 'handoff_type', 'contact_method'],
  properties: {
    id: text,
    notify_advance_in_minutes: integer,
    handoff_type: ruleFields.handoff_type,
    contact_method: referenceBody,
  },
} as const;
const oneRule = wrappedBody('oncall_handoff_notification_rule', handoffRuleBody, 'The handoff notification rule');

export const listHandoffRulesSchema = {
  tags: ['Users'],
  summary: "List a user's handoff notification rules",
  params: idParams,
  response: {
    200: {
      type: 'object',
      required: ['oncall_handoff_notification_rules'],
      properties: { oncall_handoff_notification_rules: arrayOf(handoffRuleBody) },
    },
  },
};
export const createHandoffRuleSchema = {
  tags: ['Users'],
  summary: 'Create a user handoff notification rule',
  params: idParams,
  body: wrapped('oncall_handoff_notification_rule', {
    type: 'object',
    required: ['contact_method'],
    properties: ruleFields,
  }),
  response: { 201: oneRule },
};
export const handoffRuleSchema = {
  tags: ['Users'],
  summary: "Get a user's handoff notification rule",
  params: childParams('oncall_handoff_notification_rule_id'),
  response: { 200: oneRule },
};
export const deleteHandoffRuleSchema = {
  tags: ['Users'],
  summary: "Delete a user's handoff notification rule",
  params: childParams('oncall_handoff_notification_rule_id'),
  response: { 204: noContent },
};
export const updateHandoffRuleSchema = {
  tags: ['Users'],
  summary: "Update a user's handoff notification rule",
  params: childParams('oncall_handoff_notification_rule_id'),
  body: wrapped('oncall_handoff_notification_rule', { type: 'object', properties: ruleFields }),
  response: { 200: oneRule },
};

import { idParams, refInput, wrapped } from './common.schemas';
import { childParams } from './contact-methods.schemas';

/** PagerDuty's HandoffNotificationRule as input; `id` is read-only and ignored. */
const ruleFields = {
  id: { type: 'string' },
  notify_advance_in_minutes: { type: 'integer', minimum: 0, maximum: 10_080 },
  handoff_type: { type: 'string', enum: ['both', 'oncall', 'offcall'] },
  contact_method: refInput,
} as const;

export const listHandoffRulesSchema = {
  tags: ['Users'],
  summary: "List a user's handoff notification rules",
  params: idParams,
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
};
export const handoffRuleSchema = {
  tags: ['Users'],
  summary: "Get or delete a user's handoff notification rule",
  params: childParams('oncall_handoff_notification_rule_id'),
};
export const updateHandoffRuleSchema = {
  tags: ['Users'],
  summary: "Update a user's handoff notification rule",
  params: childParams('oncall_handoff_notification_rule_id'),
  body: wrapped('oncall_handoff_notification_rule', { type: 'object', properties: ruleFields }),
};

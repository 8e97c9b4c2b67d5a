import { idParams, refInput, showQuery, wrapped } from './common.schemas';

export const contactMethodTypes = [
  'email_contact_method',
  'phone_contact_method',
  'sms_contact_method',
  'push_notification_contact_method',
  'whatsapp_contact_method',
] as const;

export const childParams = (child: string) =>
  ({
    type: 'object',
    required: ['id', child],
    properties: { id: { type: 'string', minLength: 1 }, [child]: { type: 'string', minLength: 1 } },
  }) as const;

const contactMethodFields = {
  type: { type: 'string', enum: [...contactMethodTypes] },
  label: { type: 'string', minLength: 1, maxLength: 100 },
  address: { type: 'string', minLength: 1, maxLength: 255 },
  country_code: { type: 'integer', minimum: 1, maximum: 1999 },
  send_short_email: { type: 'boolean' },
} as const;

export const listContactMethodsSchema = { tags: ['Users'], summary: "List a user's contact methods", params: idParams };
export const createContactMethodSchema = {
  tags: ['Users'],
  summary: 'Create a contact method',
  params: idParams,
  body: wrapped('contact_method', {
    type: 'object',
    required: ['type', 'label', 'address'],
    properties: contactMethodFields,
  }),
};
export const contactMethodSchema = {
  tags: ['Users'],
  summary: 'Get or delete a contact method',
  params: childParams('contact_method_id'),
};
export const updateContactMethodSchema = {
  tags: ['Users'],
  summary: 'Update a contact method',
  params: childParams('contact_method_id'),
  body: wrapped('contact_method', { type: 'object', properties: contactMethodFields }),
};

const ruleFields = {
  type: { type: 'string', enum: ['assignment_notification_rule'] },
  start_delay_in_minutes: { type: 'integer', minimum: 0 },
  contact_method: refInput,
  urgency: { type: 'string', enum: ['high', 'low'] },
} as const;

export const listNotificationRulesSchema = {
  tags: ['Users'],
  summary: "List a user's notification rules",
  params: idParams,
  querystring: {
    type: 'object',
    properties: {
      ...showQuery(['contact_methods']).properties,
      urgency: { type: 'string', enum: ['high', 'low', 'all'], default: 'high' },
    },
  },
};
export const createNotificationRuleSchema = {
  tags: ['Users'],
  summary: 'Create a notification rule',
  params: idParams,
  body: wrapped('notification_rule', {
    type: 'object',
    required: ['start_delay_in_minutes', 'contact_method', 'urgency'],
    properties: ruleFields,
  }),
};
export const notificationRuleSchema = {
  tags: ['Users'],
  summary: 'Get or delete a notification rule',
  params: childParams('notification_rule_id'),
};
export const updateNotificationRuleSchema = {
  tags: ['Users'],
  summary: 'Update a notification rule',
  params: childParams('notification_rule_id'),
  body: wrapped('notification_rule', { type: 'object', properties: ruleFields }),
};

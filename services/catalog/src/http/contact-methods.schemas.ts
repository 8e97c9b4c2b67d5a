import { noContent } from '@klaxon/kit';
import {
  arrayOf,
  boolean,
  integer,
  objectBody,
  objectOrReference,
  referenceBody,
  text,
  wrappedBody,
} from '@klaxon/rest';
import { idParams, refInput, showQuery, wrapped } from './common.schemas';

export const contactMethodTypes = [
  'email_contact_method',
  'phone_contact_method',
  'sms_contact_method',
  'push_notification_contact_method',
  'whatsapp_contact_method',
] as const;

/** A contact method as rendered (views/user.view.ts). */
export const contactMethodBody = objectBody([...contactMethodTypes], {
  label: text,
  address: text,
  user: referenceBody,
  country_code: integer,
  blacklisted: boolean,
  send_short_email: boolean,
});

/** A notification rule as rendered; `contact_method` is the full method with `include[]=contact_methods`. */
export const notificationRuleBody = objectBody('assignment_notification_rule', {
  start_delay_in_minutes: integer,
  urgency: text,
  contact_method: objectOrReference(contactMethodBody),
});

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

export const listContactMethodsSchema = {
  tags: ['Users'],
  summary: "List a user's contact methods",
  params: idParams,
  response: {
    200: { type: 'object', required: ['contact_methods'], properties: { contact_methods: arrayOf(contactMethodBody) } },
  },
};
export const createContactMethodSchema = {
  tags: ['Users'],
  summary: 'Create a contact method',
  params: idParams,
  body: wrapped('contact_method', {
    type: 'object',
    required: ['type', 'label', 'address'],
    properties: contactMethodFields,
  }),
  response: { 201: wrappedBody('contact_method', contactMethodBody) },
};
export const contactMethodSchema = {
  tags: ['Users'],
  summary: 'Get a contact method',
  params: childParams('contact_method_id'),
  response: { 200: wrappedBody('contact_method', contactMethodBody) },
};
export const updateContactMethodSchema = {
  tags: ['Users'],
  summary: 'Update a contact method',
  params: childParams('contact_method_id'),
  body: wrapped('contact_method', { type: 'object', properties: contactMethodFields }),
  response: { 200: wrappedBody('contact_method', contactMethodBody) },
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
  response: {
    200: {
      type: 'object',
      required: ['notification_rules'],
      properties: { notification_rules: arrayOf(notificationRuleBody) },
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
  response: { 201: wrappedBody('notification_rule', notificationRuleBody) },
};
export const notificationRuleSchema = {
  tags: ['Users'],
  summary: 'Get a notification rule',
  params: childParams('notification_rule_id'),
  response: { 200: wrappedBody('notification_rule', notificationRuleBody) },
};
export const updateNotificationRuleSchema = {
  tags: ['Users'],
  summary: 'Update a notification rule',
  params: childParams('notification_rule_id'),
  body: wrapped('notification_rule', { type: 'object', properties: ruleFields }),
  response: { 200: wrappedBody('notification_rule', notificationRuleBody) },
};

export const deleteContactMethodSchema = {
  tags: ['Users'],
  summary: 'Delete a contact method',
  params: childParams('contact_method_id'),
  response: { 204: noContent },
};

export const deleteNotificationRuleSchema = {
  tags: ['Users'],
  summary: 'Delete a notification rule',
  params: childParams('notification_rule_id'),
  response: { 204: noContent },
};

import { noContent } from '@klaxon/kit';
import {
  accountRoles,
  arrayOf,
  boolean,
  idsQuery,
  listBody,
  nullableText,
  objectBody,
  objectOrReference,
  text,
  wrappedBody,
} from '@klaxon/rest';
import { idParams, listQuery, queryText, showQuery, teamsBody, wrapped } from './common.schemas';
import { contactMethodBody, notificationRuleBody } from './contact-methods.schemas';

/** A user as rendered (views/user.view.ts); `include[]` expands teams, contact methods and rules. */
export const userBody = objectBody('user', {
  name: text,
  email: text,
  time_zone: text,
  color: text,
  role: text,
  description: nullableText,
  job_title: text,
  invitation_sent: boolean,
  created_via_sso: boolean,
  teams: teamsBody,
  contact_methods: arrayOf(objectOrReference(contactMethodBody)),
  notification_rules: arrayOf(objectOrReference(notificationRuleBody)),
});
const oneUser = wrappedBody('user', userBody);

export const userIncludes = ['contact_methods', 'notification_rules', 'teams'] as const;

const userFields = {
  type: { type: 'string', enum: ['user'] },
  name: { type: 'string', minLength: 1, maxLength: 100 },
  email: { type: 'string', minLength: 6, maxLength: 100, pattern: '^[^@\\s]+@[^@\\s]+$' },
  time_zone: { type: 'string', minLength: 1 },
  color: { type: 'string', minLength: 1, maxLength: 50 },
  role: { type: 'string', enum: [...accountRoles] },
  description: { type: ['string', 'null'], maxLength: 1024 },
  job_title: { type: ['string', 'null'], maxLength: 100 },
} as const;

export const listUsersSchema = {
  tags: ['Users'],
  summary: 'List users',
  querystring: listQuery(userIncludes, { query: queryText, 'team_ids[]': idsQuery }),
  response: { 200: listBody('users', userBody) },
};

export const createUserSchema = {
  tags: ['Users'],
  summary: 'Create a user (requires the From header)',
  body: wrapped('user', { type: 'object', required: ['name', 'email'], properties: userFields }),
  response: { 201: oneUser },
};

export const showUserSchema = {
  tags: ['Users'],
  summary: 'Get a user',
  params: idParams,
  querystring: showQuery(userIncludes),
  response: { 200: oneUser },
};
export const showMeSchema = {
  tags: ['Users'],
  summary: 'Get the current user',
  querystring: showQuery(userIncludes),
  response: { 200: oneUser },
};

export const updateUserSchema = {
  tags: ['Users'],
  summary: 'Update a user',
  params: idParams,
  body: wrapped('user', { type: 'object', properties: userFields }),
  response: { 200: oneUser },
};

export const deleteUserSchema = {
  tags: ['Users'],
  summary: 'Delete a user',
  params: idParams,
  response: { 204: noContent },
};

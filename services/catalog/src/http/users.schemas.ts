import { accountRoles, idsQuery } from '@klaxon/rest';
import { idParams, listQuery, queryText, showQuery, wrapped } from './common.schemas';

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
};

export const createUserSchema = {
  tags: ['Users'],
  summary: 'Create a user (requires the From header)',
  body: wrapped('user', { type: 'object', required: ['name', 'email'], properties: userFields }),
};

export const showUserSchema = {
  tags: ['Users'],
  summary: 'Get a user',
  params: idParams,
  querystring: showQuery(userIncludes),
};
export const showMeSchema = { tags: ['Users'], summary: 'Get the current user', querystring: showQuery(userIncludes) };

export const updateUserSchema = {
  tags: ['Users'],
  summary: 'Update a user',
  params: idParams,
  body: wrapped('user', { type: 'object', properties: userFields }),
};

export const deleteUserSchema = { tags: ['Users'], summary: 'Delete a user', params: idParams };

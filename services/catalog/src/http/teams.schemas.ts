import { noContent } from '@klaxon/kit';
import { listBody, objectOrReference, teamRoles, text, wrappedBody } from '@klaxon/rest';
import { idParams, listQuery, queryText, refInput, showQuery, teamBody, wrapped } from './common.schemas';
import { userBody } from './users.schemas';

const teamFields = {
  type: { type: 'string', enum: ['team'] },
  name: { type: 'string', minLength: 1, maxLength: 100 },
  description: { type: 'string', nullable: true, maxLength: 1024 },
  default_role: { type: 'string', enum: ['manager', 'none'] },
  parent: { ...refInput, nullable: true },
} as const;

const pairParams = (second: string) =>
  ({
    type: 'object',
    required: ['id', second],
    properties: { id: { type: 'string', minLength: 1 }, [second]: { type: 'string', minLength: 1 } },
  }) as const;

export const listTeamsSchema = {
  tags: ['Teams'],
  summary: 'List teams',
  querystring: listQuery([], { query: queryText }),
  response: { 200: listBody('teams', teamBody) },
};
export const createTeamSchema = {
  tags: ['Teams'],
  summary: 'Create a team',
  body: wrapped('team', { type: 'object', required: ['name'], properties: teamFields }),
  response: { 201: wrappedBody('team', teamBody) },
};
export const showTeamSchema = {
  tags: ['Teams'],
  summary: 'Get a team',
  params: idParams,
  querystring: showQuery([]),
  response: { 200: wrappedBody('team', teamBody) },
};
export const updateTeamSchema = {
  tags: ['Teams'],
  summary: 'Update a team',
  params: idParams,
  body: wrapped('team', { type: 'object', properties: teamFields }),
  response: { 200: wrappedBody('team', teamBody) },
};
export const deleteTeamSchema = {
  tags: ['Teams'],
  summary: 'Delete a team',
  params: idParams,
  querystring: { type: 'object', properties: { reassignment_team: { type: 'string' } } },
  response: { 204: noContent },
};
export const listMembersSchema = {
  tags: ['Teams'],
  summary: 'List the members of a team',
  params: idParams,
  querystring: listQuery(['users']),
  response: {
    200: listBody('members', {
      type: 'object',
      required: ['user', 'role'],
      properties: { user: objectOrReference(userBody), role: text },
    }),
  },
};
export const putMemberSchema = {
  tags: ['Teams'],
  summary: 'Add a user to a team, or change their team role',
  params: pairParams('user_id'),
  body: { type: 'object', nullable: true, properties: { role: { type: 'string', enum: [...teamRoles] } } },
  response: { 204: noContent },
};
export const deleteMemberSchema = {
  tags: ['Teams'],
  summary: 'Remove a user from a team',
  params: pairParams('user_id'),
  response: { 204: noContent },
};
export const teamPolicySchema = {
  tags: ['Teams'],
  summary: 'Add or remove an escalation policy of a team',
  params: pairParams('escalation_policy_id'),
  response: { 204: noContent },
};

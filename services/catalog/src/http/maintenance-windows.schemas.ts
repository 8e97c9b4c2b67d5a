import { idsQuery } from '@klaxon/rest';
import { windowFilters } from '../domain/maintenance';
import { idParams, listQuery, queryText, refInput, showQuery, wrapped } from './common.schemas';

const windowFields = {
  type: { type: 'string', enum: ['maintenance_window'] },
  start_time: { type: 'string', minLength: 1 },
  end_time: { type: 'string', minLength: 1 },
  description: { type: 'string', nullable: true, maxLength: 1024 },
  services: { type: 'array', minItems: 1, items: refInput },
} as const;

const includes = ['teams', 'services', 'users'] as const;

export const listWindowsSchema = {
  tags: ['Maintenance Windows'],
  summary: 'List maintenance windows',
  querystring: listQuery(includes, {
    query: queryText,
    filter: { type: 'string', enum: [...windowFilters] },
    'service_ids[]': idsQuery,
    'team_ids[]': idsQuery,
  }),
};
export const createWindowSchema = {
  tags: ['Maintenance Windows'],
  summary: 'Create a maintenance window (requires the From header)',
  body: wrapped('maintenance_window', {
    type: 'object',
    required: ['start_time', 'end_time', 'services'],
    properties: windowFields,
  }),
};
export const showWindowSchema = {
  tags: ['Maintenance Windows'],
  summary: 'Get a maintenance window',
  params: idParams,
  querystring: showQuery(includes),
};
export const updateWindowSchema = {
  tags: ['Maintenance Windows'],
  summary: 'Update a maintenance window',
  params: idParams,
  body: wrapped('maintenance_window', { type: 'object', properties: windowFields }),
};
export const deleteWindowSchema = {
  tags: ['Maintenance Windows'],
  summary: 'Delete a future maintenance window or end an ongoing one (a finished one: 405)',
  params: idParams,
};

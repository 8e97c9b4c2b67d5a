import { errorResponse, noContent } from '@klaxon/kit';
import {
  arrayOf,
  dateTime,
  idsQuery,
  integer,
  listBody,
  objectBody,
  referenceBody,
  text,
  wrappedBody,
} from '@klaxon/rest';
import { windowFilters } from '../domain/maintenance';
import { idParams, listQuery, queryText, refInput, showQuery, wrapped } from './common.schemas';

/** A maintenance window as rendered (views/maintenance-window.view.ts). */
export const windowBody = objectBody('maintenance_window', {
  sequence_number: integer,
  start_time: dateTime,
  end_time: dateTime,
  description: text,
  created_by: { ...referenceBody, nullable: true },
  services: arrayOf(referenceBody),
  teams: arrayOf(referenceBody),
});
const oneWindow = wrappedBody('maintenance_window', windowBody);

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
  response: { 200: listBody('maintenance_windows', windowBody) },
};
export const createWindowSchema = {
  tags: ['Maintenance Windows'],
  summary: 'Create a maintenance window (requires the From header)',
  body: wrapped('maintenance_window', {
    type: 'object',
    required: ['start_time', 'end_time', 'services'],
    properties: windowFields,
  }),
  response: { 201: oneWindow },
};
export const showWindowSchema = {
  tags: ['Maintenance Windows'],
  summary: 'Get a maintenance window',
  params: idParams,
  querystring: showQuery(includes),
  response: { 200: oneWindow },
};
export const updateWindowSchema = {
  tags: ['Maintenance Windows'],
  summary: 'Update a maintenance window',
  params: idParams,
  body: wrapped('maintenance_window', { type: 'object', properties: windowFields }),
  response: { 200: oneWindow },
};
export const deleteWindowSchema = {
  tags: ['Maintenance Windows'],
  summary: 'Delete a future maintenance window or end an ongoing one (a finished one: 405)',
  params: idParams,
  response: { 204: noContent, 405: errorResponse('maintenance_window_ended') },
};

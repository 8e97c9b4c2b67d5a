import { noContent } from '@klaxon/kit';
import {
  anyObject,
  arrayOf,
  dateTime,
  integer,
  listBody,
  objectBody,
  referenceBody,
  text,
  wrappedBody,
} from '@klaxon/rest';
import { idParams, listQuery, queryText, refInput, wrapped } from './common.schemas';

/** A schedule as the catalog renders it (views/schedule.view.ts); escalation renders GET /schedules/{id}. */
export const scheduleBody = objectBody('schedule', {
  name: text,
  description: text,
  time_zone: text,
  schedule_layers: arrayOf({
    type: 'object',
    required: ['id', 'start', 'users'],
    properties: {
      id: text,
      name: text,
      start: text,
      end: text,
      rotation_virtual_start: text,
      rotation_turn_length_seconds: integer,
      users: arrayOf({ type: 'object', required: ['user'], properties: { user: referenceBody } }),
      restrictions: arrayOf(anyObject),
      rendered_schedule_entries: arrayOf(anyObject),
    },
  }),
  escalation_policies: arrayOf(referenceBody),
  users: arrayOf(referenceBody),
  teams: arrayOf(referenceBody),
});

/** An override as rendered (views/schedule.view.ts). */
export const overrideBody = {
  type: 'object',
  required: ['id', 'start', 'end', 'user'],
  properties: { id: text, start: dateTime, end: dateTime, user: referenceBody },
} as const;

const restriction = {
  type: 'object',
  required: ['type', 'duration_seconds', 'start_time_of_day'],
  properties: {
    type: { type: 'string', enum: ['daily_restriction', 'weekly_restriction'] },
    duration_seconds: { type: 'integer', minimum: 1 },
    start_time_of_day: { type: 'string' },
    start_day_of_week: { type: 'integer', minimum: 1, maximum: 7 },
  },
} as const;

const layer = {
  type: 'object',
  required: ['start', 'users', 'rotation_virtual_start', 'rotation_turn_length_seconds'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string', maxLength: 255 },
    start: { type: 'string' },
    end: { type: 'string', nullable: true },
    rotation_virtual_start: { type: 'string' },
    rotation_turn_length_seconds: { type: 'integer', minimum: 1, maximum: 31_536_000 },
    users: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['user'], properties: { user: refInput } },
    },
    restrictions: { type: 'array', items: restriction },
  },
} as const;

const scheduleFields = {
  type: { type: 'string', enum: ['schedule'] },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: { type: 'string', nullable: true, maxLength: 1024 },
  time_zone: { type: 'string', minLength: 1 },
  schedule_layers: { type: 'array', items: layer },
} as const;

export const listSchedulesSchema = {
  tags: ['Schedules'],
  summary: 'List schedules',
  querystring: listQuery(['schedule_layers', 'overrides_subschedule', 'final_schedule'], { query: queryText }),
  response: { 200: listBody('schedules', scheduleBody) },
};
export const createScheduleSchema = {
  tags: ['Schedules'],
  summary: 'Create a schedule',
  body: wrapped('schedule', { type: 'object', required: ['time_zone', 'schedule_layers'], properties: scheduleFields }),
  response: { 201: wrappedBody('schedule', scheduleBody) },
};
export const updateScheduleSchema = {
  tags: ['Schedules'],
  summary: 'Update a schedule',
  params: idParams,
  body: wrapped('schedule', { type: 'object', properties: scheduleFields }),
  response: { 200: wrappedBody('schedule', scheduleBody) },
};
export const deleteScheduleSchema = {
  tags: ['Schedules'],
  summary: 'Delete a schedule (refused while an escalation policy targets it)',
  params: idParams,
  response: { 204: noContent },
};

const overrideInput = {
  type: 'object',
  required: ['start', 'end', 'user'],
  properties: { start: { type: 'string' }, end: { type: 'string' }, user: refInput },
} as const;

export const listOverridesSchema = {
  tags: ['Schedules'],
  summary: "List a schedule's overrides",
  params: idParams,
  querystring: {
    type: 'object',
    required: ['since', 'until'],
    properties: {
      since: { type: 'string' },
      until: { type: 'string' },
      editable: { type: 'string' },
      overflow: { type: 'string' },
    },
  },
  response: { 200: { type: 'object', required: ['overrides'], properties: { overrides: arrayOf(overrideBody) } } },
};
export const createOverridesSchema = {
  tags: ['Schedules'],
  summary: 'Create overrides',
  params: idParams,
  body: {
    type: 'object',
    properties: {
      overrides: { type: 'array', minItems: 1, maxItems: 100, items: overrideInput },
      override: overrideInput,
    },
  },
  response: {
    201: {
      description:
        'One override (`{override}`), or one result per override given in `overrides` (each 201 with the override, or 400 with its errors)',
      anyOf: [
        wrappedBody('override', overrideBody),
        arrayOf({
          type: 'object',
          required: ['status'],
          properties: { status: integer, override: overrideBody, errors: arrayOf(text) },
        }),
      ],
    },
  },
};
export const deleteOverrideSchema = {
  tags: ['Schedules'],
  summary: 'Delete an override (an override in progress is ended now, answered 200)',
  params: {
    type: 'object',
    required: ['id', 'override_id'],
    properties: { id: { type: 'string' }, override_id: { type: 'string' } },
  },
  response: { 200: { type: 'null', description: 'The override was in progress: it now ends' }, 204: noContent },
};

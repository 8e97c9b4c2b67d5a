import { anyObject, arrayOf, nullableText, referenceBody, text, wrappedBody } from '@klaxon/rest';

/** Query of the rendering endpoints; values are checked by the route to give PagerDuty's sentences. */
const renderQuery = {
  type: 'object',
  properties: {
    since: { type: 'string', description: 'Start of the rendered range (ISO 8601).' },
    until: { type: 'string', description: 'End of the rendered range (ISO 8601).' },
    time_zone: { type: 'string', description: "Zone entries are printed in; the schedule's by default." },
    overflow: {
      type: 'string',
      enum: ['false', '0'],
      description: 'Only false (entries cut at the range) is supported.',
    },
    include_next_oncall_for_user: { type: 'string' },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;

/** One rendered timeline: its entries and how much of the range they cover (null: no range asked). */
const timeline = {
  type: 'object',
  properties: {
    name: text,
    rendered_schedule_entries: arrayOf({
      type: 'object',
      required: ['start', 'end', 'user'],
      properties: { start: text, end: text, user: referenceBody },
    }),
    rendered_coverage_percentage: { type: 'number', nullable: true },
  },
} as const;

/** A schedule rendered over a range (views/schedule.view.ts); a preview has no id. */
const renderedScheduleBody = {
  type: 'object',
  required: ['type', 'time_zone', 'schedule_layers', 'final_schedule'],
  properties: {
    id: text,
    type: { type: 'string', enum: ['schedule'] },
    summary: text,
    self: nullableText,
    html_url: nullableText,
    name: text,
    description: text,
    time_zone: text,
    schedule_layers: arrayOf({
      ...timeline,
      properties: { ...timeline.properties, id: text, users: arrayOf(anyObject) },
    }),
    overrides_subschedule: timeline,
    final_schedule: timeline,
    escalation_policies: arrayOf(referenceBody),
    users: arrayOf(referenceBody),
    teams: arrayOf(referenceBody),
  },
} as const;

export const showScheduleSchema = {
  tags: ['Schedules'],
  summary: 'Get a schedule, rendered over since..until',
  params: idParams,
  querystring: renderQuery,
  response: { 200: wrappedBody('schedule', renderedScheduleBody) },
};

export const scheduleUsersSchema = {
  tags: ['Schedules'],
  summary: 'List the users on call in a schedule over since..until',
  params: idParams,
  querystring: {
    type: 'object',
    properties: { since: renderQuery.properties.since, until: renderQuery.properties.until },
  },
  response: { 200: { type: 'object', required: ['users'], properties: { users: arrayOf(referenceBody) } } },
};

export const previewScheduleSchema = {
  tags: ['Schedules'],
  summary: 'Render a schedule without saving it',
  querystring: renderQuery,
  body: {
    type: 'object',
    required: ['schedule'],
    properties: {
      schedule: {
        type: 'object',
        required: ['time_zone', 'schedule_layers'],
        properties: {
          name: { type: 'string' },
          description: { type: 'string', nullable: true },
          time_zone: { type: 'string' },
          schedule_layers: { type: 'array', items: { type: 'object' } },
          overrides: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  },
  response: { 200: wrappedBody('schedule', renderedScheduleBody) },
};

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

export const showScheduleSchema = {
  tags: ['Schedules'],
  summary: 'Get a schedule, rendered over since..until',
  params: idParams,
  querystring: renderQuery,
};

export const scheduleUsersSchema = {
  tags: ['Schedules'],
  summary: 'List the users on call in a schedule over since..until',
  params: idParams,
  querystring: {
    type: 'object',
    properties: { since: renderQuery.properties.since, until: renderQuery.properties.until },
  },
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
};

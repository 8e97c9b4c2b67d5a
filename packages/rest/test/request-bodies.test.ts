import { normalizeBody } from '../src';

const ref = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
const service = {
  type: 'object',
  required: ['service'],
  properties: {
    service: {
      type: 'object',
      properties: { name: { type: 'string' }, escalation_policy: ref, support_hours: { type: 'object' } },
    },
  },
};

describe('normalizeBody', () => {
  it.each([
    ['wraps a bare body', 'POST', { name: 'a' }, { service: { name: 'a' } }],
    ['leaves a wrapped body', 'POST', { service: { name: 'a' } }, { service: { name: 'a' } }],
    ['leaves an empty body to the schema', 'POST', {}, {}],
    ['drops an id-less reference on PUT', 'PUT', { service: { escalation_policy: { teams: null } } }, { service: {} }],
    [
      'wraps a bare PUT body and drops a reference with an empty id',
      'PUT',
      { escalation_policy: { id: '' } },
      { service: {} },
    ],
    [
      'keeps a reference with an id',
      'PUT',
      { service: { escalation_policy: { id: 'P1' } } },
      { service: { escalation_policy: { id: 'P1' } } },
    ],
    [
      'keeps an id-less reference on POST for the schema to refuse',
      'POST',
      { service: { escalation_policy: {} } },
      { service: { escalation_policy: {} } },
    ],
    [
      'leaves objects that are not references',
      'PUT',
      { service: { support_hours: { type: 'fixed_time_per_day' } } },
      { service: { support_hours: { type: 'fixed_time_per_day' } } },
    ],
  ])('%s', (_why, method, body, expected) => {
    expect(normalizeBody(method, service, body)).toEqual(expected);
  });

  it('wraps nothing when the schema is not a single-root wrapper', () => {
    const merge = { type: 'object', properties: { source_incidents: { type: 'array' } } };
    expect(normalizeBody('PUT', merge, { duration: 60 })).toEqual({ duration: 60 });
  });
});

import { validateV1Event } from '../src/domain/validate-v1';

const now = new Date('2026-11-26T12:00:00.000Z');
const KEY = 'e93facc04764012d7bfb002500d5d1a6';
const trigger = {
  service_key: KEY,
  incident_key: 'srv01/HTTP',
  event_type: 'trigger',
  description: 'FAILURE for production/HTTP on machine srv01.acme.com',
  client: 'Sample Monitoring Service',
  client_url: 'https://monitoring.service.com',
  details: { 'ping time': '1500ms', 'load avg': 0.75 },
  contexts: [
    { type: 'link', href: 'http://acme.pagerduty.com', text: 'acme' },
    { type: 'image', src: 'https://chart.example.com/c.png', href: 'https://google.com' },
  ],
};
const errorsOf = (body: object) => {
  const v = validateV1Event(body as Record<string, unknown>, now);
  return v.ok ? [] : v.errors;
};

describe('Events API v1 validation', () => {
  it('maps the spec example onto PD-CEF', () => {
    const v = validateV1Event(trigger, now);
    expect(v.ok && v.draft).toEqual({
      key: KEY,
      action: 'trigger',
      dedupKey: 'srv01/HTTP',
      payload: {
        summary: trigger.description,
        source: 'Sample Monitoring Service',
        severity: 'error',
        timestamp: '2026-11-26T12:00:00.000Z',
        component: '',
        group: '',
        class: '',
        customDetailsJson: '{"ping time":"1500ms","load avg":0.75}',
      },
      links: [{ href: 'http://acme.pagerduty.com', text: 'acme' }],
      images: [{ src: 'https://chart.example.com/c.png', href: 'https://google.com', alt: '' }],
      client: 'Sample Monitoring Service',
      clientUrl: 'https://monitoring.service.com',
    });
  });

  it.each([
    [{ service_key: undefined }, ["'service_key' is missing or blank"]],
    [{ service_key: 'abc' }, ["Length of 'service_key' is incorrect (should be 32 characters)"]],
    [{ event_type: 'boom' }, ['event_type is invalid (must be one of: trigger acknowledge resolve)']],
    [{ event_type: undefined }, ["'event_type' is missing or blank"]],
    [{ description: undefined }, ["'description' is missing or blank"]],
    [{ description: 'd'.repeat(1025) }, ["Length of 'description' is incorrect (should be at most 1024 characters)"]],
    [{ incident_key: 'k'.repeat(256) }, ["Length of 'incident_key' is incorrect (should be at most 255 characters)"]],
    [{ details: 'text' }, ["'details' must be an object"]],
    [{ contexts: [{ type: 'video' }] }, ["'contexts[0].type' is invalid (must be one of: link image)"]],
    [{ contexts: [{ type: 'link' }] }, ["'contexts[0].href' is missing or blank"]],
    [{ contexts: [{ type: 'image' }] }, ["'contexts[0].src' is missing or blank"]],
    [{ description: 'a\u0000b' }, ["'description' must not contain NUL characters (\\u0000)"]],
    [{ incident_key: '\ud800' }, ["'incident_key' must not contain unpaired UTF-16 surrogates"]],
    [{ client: 'c\u0000' }, ["'client' must not contain NUL characters (\\u0000)"]],
    [{ client_url: '\udc00' }, ["'client_url' must not contain unpaired UTF-16 surrogates"]],
    [{ details: { a: ['\u0000'] } }, ["'details.a[0]' must not contain NUL characters (\\u0000)"]],
    [{ details: { 'k\ud800': 1 } }, ["'details' must not contain a key with unpaired UTF-16 surrogates"]],
    [
      { contexts: [{ type: 'link', href: 'https://x', text: '\u0000' }] },
      ["'contexts[0].text' must not contain NUL characters (\\u0000)"],
    ],
    [
      { details: JSON.parse(`${'{"a":'.repeat(101)}1${'}'.repeat(101)}`) },
      [`'details${'.a'.repeat(100)}' is nested too deeply (at most 100 levels)`],
    ],
  ])('refuses %j', (change, expected) => {
    expect(errorsOf({ ...trigger, ...change })).toEqual(expected);
  });

  it.each(['acknowledge', 'resolve'])('requires an incident key on %s but no description', (type) => {
    expect(errorsOf({ service_key: KEY, event_type: type })).toEqual(["'incident_key' is missing or blank"]);
    expect(errorsOf({ service_key: KEY, event_type: type, incident_key: 'k' })).toEqual([]);
  });
});

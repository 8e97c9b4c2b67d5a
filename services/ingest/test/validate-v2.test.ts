import { validateChangeEvent, validateV2Event } from '../src/domain/validate-v2';

const now = new Date('2026-11-26T12:00:00.000Z');
const KEY = 'e93facc04764012d7bfb002500d5d1a6';
const trigger = {
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'srv01/mysql',
  payload: {
    summary: 'DISK at 99% on machine prod-datapipe03.example.com',
    timestamp: '2015-07-17T08:42:58.315+0000',
    severity: 'critical',
    source: 'prod-datapipe03.example.com',
    component: 'mysql',
    group: 'prod-datapipe',
    class: 'disk',
    custom_details: { 'free space': '1%', 'load avg': 0.75 },
  },
  images: [{ src: 'https://chart.example.com/x.png', href: 'https://example.com', alt: 'chart' }],
  links: [{ href: 'https://example.com/runbook', text: 'Runbook' }],
  client: 'Sample Monitoring Service',
  client_url: 'https://monitoring.example.com',
};
const errorsOf = (body: object) => {
  const v = validateV2Event(body as Record<string, unknown>, now);
  return v.ok ? [] : v.errors;
};

describe('Events API v2 validation', () => {
  it('accepts the spec example with every field and keeps each one', () => {
    const v = validateV2Event(trigger, now);
    expect(v).toEqual({
      ok: true,
      draft: {
        key: KEY,
        action: 'trigger',
        dedupKey: 'srv01/mysql',
        payload: {
          summary: trigger.payload.summary,
          source: 'prod-datapipe03.example.com',
          severity: 'critical',
          timestamp: '2015-07-17T08:42:58.315+0000',
          component: 'mysql',
          group: 'prod-datapipe',
          class: 'disk',
          customDetailsJson: '{"free space":"1%","load avg":0.75}',
        },
        images: [{ src: 'https://chart.example.com/x.png', href: 'https://example.com', alt: 'chart' }],
        links: [{ href: 'https://example.com/runbook', text: 'Runbook' }],
        client: 'Sample Monitoring Service',
        clientUrl: 'https://monitoring.example.com',
      },
    });
  });

  it('leaves the dedup key absent on a trigger without one, and stamps a missing timestamp', () => {
    const { dedup_key: _, ...body } = trigger;
    const v = validateV2Event({ ...body, payload: { ...trigger.payload, timestamp: undefined } }, now);
    expect(v.ok && v.draft.dedupKey).toBeUndefined();
    expect(v.ok && v.draft.payload.timestamp).toBe('2026-11-26T12:00:00.000Z');
  });

  it.each(['acknowledge', 'resolve'])('accepts a minimal %s with no payload', (action) => {
    const v = validateV2Event({ routing_key: KEY, event_action: action, dedup_key: 'k' }, now);
    expect(v.ok && v.draft.action).toBe(action);
  });

  it.each([
    [{ routing_key: undefined }, ["'routing_key' is missing or blank"]],
    [{ routing_key: 'abc' }, ["Length of 'routing_key' is incorrect (should be 32 characters)"]],
    [{ routing_key: 42 }, ["'routing_key' must be a string"]],
    [{ event_action: undefined }, ["'event_action' is missing or blank"]],
    [{ event_action: 'explode' }, ["'event_action' is invalid (must be one of: trigger acknowledge resolve)"]],
    [{ dedup_key: 'x'.repeat(256) }, ["Length of 'dedup_key' is incorrect (should be at most 255 characters)"]],
    [{ dedup_key: 7 }, ["'dedup_key' must be a string"]],
    [{ payload: undefined }, ["'payload' is missing or blank"]],
    [{ payload: 'text' }, ["'payload' must be an object"]],
    [{ images: {} }, ["'images' must be an array"]],
    [{ images: [{ href: 'https://x' }] }, ["'images[0].src' is missing or blank"]],
    [{ links: [{ text: 'no href' }] }, ["'links[0].href' is missing or blank"]],
    [{ links: ['https://x'] }, ["'links[0]' must be an object"]],
    [{ client: ['x'] }, ["'client' must be a string"]],
    [{ client_url: 3 }, ["'client_url' must be a string"]],
  ])('refuses %j', (change, expected) => {
    expect(errorsOf({ ...trigger, ...change })).toEqual(expected);
  });

  it.each([
    [{ summary: undefined }, ["'payload.summary' is missing or blank"]],
    [{ summary: '   ' }, ["'payload.summary' is missing or blank"]],
    [{ summary: 's'.repeat(1025) }, ["Length of 'payload.summary' is incorrect (should be at most 1024 characters)"]],
    [{ source: undefined }, ["'payload.source' is missing or blank"]],
    [{ severity: undefined }, ["'payload.severity' is missing or blank"]],
    [{ severity: 'fatal' }, ["'payload.severity' is invalid (must be one of: critical error warning info)"]],
    [{ timestamp: 'yesterday' }, ["'payload.timestamp' must be an ISO 8601 date-time"]],
    [{ timestamp: '2026-13-45T99:00:00Z' }, ["'payload.timestamp' must be an ISO 8601 date-time"]],
    [{ component: 1 }, ["'payload.component' must be a string"]],
    [{ group: {} }, ["'payload.group' must be a string"]],
    [{ class: false }, ["'payload.class' must be a string"]],
    [{ custom_details: 'text' }, ["'payload.custom_details' must be an object"]],
    [{ custom_details: [1] }, ["'payload.custom_details' must be an object"]],
  ])('refuses a trigger payload with %j', (change, expected) => {
    expect(errorsOf({ ...trigger, payload: { ...trigger.payload, ...change } })).toEqual(expected);
  });

  it('accepts a summary of exactly 1024 characters and a dedup key of exactly 255', () => {
    expect(
      errorsOf({ ...trigger, dedup_key: 'd'.repeat(255), payload: { ...trigger.payload, summary: 's'.repeat(1024) } }),
    ).toEqual([]);
  });

  it('names every problem at once', () => {
    expect(errorsOf({ routing_key: 'short', event_action: 'trigger', payload: { severity: 'bad' } })).toEqual([
      "Length of 'routing_key' is incorrect (should be 32 characters)",
      "'payload.summary' is missing or blank",
      "'payload.source' is missing or blank",
      "'payload.severity' is invalid (must be one of: critical error warning info)",
    ]);
  });

  it.each(['acknowledge', 'resolve'])('requires a dedup key on %s', (action) => {
    expect(errorsOf({ routing_key: KEY, event_action: action })).toEqual(["'dedup_key' is missing or blank"]);
  });

  describe('text PostgreSQL could never store', () => {
    const NUL = 'must not contain NUL characters (\\u0000)';
    const LONE = 'must not contain unpaired UTF-16 surrogates';
    it.each([
      [{ dedup_key: 'a\u0000b' }, [`'dedup_key' ${NUL}`]],
      [{ dedup_key: 'a\ud800' }, [`'dedup_key' ${LONE}`]],
      [{ client: '\u0000' }, [`'client' ${NUL}`]],
      [{ client_url: 'https://x/\udc00' }, [`'client_url' ${LONE}`]],
      [{ links: [{ href: 'https://x', text: 'a\u0000' }] }, [`'links[0].text' ${NUL}`]],
      [{ images: [{ src: 'https://x/\ud83d.png' }] }, [`'images[0].src' ${LONE}`]],
    ])('refuses %j naming the field', (change, expected) => {
      expect(errorsOf({ ...trigger, ...change })).toEqual(expected);
    });

    it.each(['summary', 'source', 'component', 'group', 'class'])(
      'refuses payload.%s with NUL or a lone surrogate',
      (f) => {
        for (const [bad, why] of [
          ['x\u0000y', NUL],
          ['x\udfff', LONE],
          ['\ud800x', LONE],
        ]) {
          expect(errorsOf({ ...trigger, payload: { ...trigger.payload, [f]: bad } })).toEqual([
            `'payload.${f}' ${why}`,
          ]);
        }
      },
    );

    it.each([
      [{ deep: { er: ['ok', { bad: 'x\u0000' }] } }, [`'payload.custom_details.deep.er[1].bad' ${NUL}`]],
      [{ list: ['\udbff'] }, [`'payload.custom_details.list[0]' ${LONE}`]],
      [{ 'k\u0000': 1 }, [`'payload.custom_details' must not contain a key with NUL characters (\\u0000)`]],
      [
        { nested: { '\udc00': 1 } },
        [`'payload.custom_details.nested' must not contain a key with unpaired UTF-16 surrogates`],
      ],
    ])('refuses custom_details %j at any depth, naming the place', (details, expected) => {
      expect(errorsOf({ ...trigger, payload: { ...trigger.payload, custom_details: details } })).toEqual(expected);
    });

    it('accepts well-formed text: emoji (surrogate pairs), other control characters, non-BMP keys', () => {
      const details = { '😀': ['\t\u0001\u001f', { 'd\u00e9j\u00e0': '𝄞' }] };
      const v = validateV2Event(
        { ...trigger, dedup_key: '🔥', payload: { ...trigger.payload, summary: '🔥 hot', custom_details: details } },
        now,
      );
      expect(v.ok && JSON.parse(v.draft.payload.customDetailsJson)).toEqual(details);
    });
  });

  describe('custom_details depth', () => {
    const nested = (levels: number): Record<string, unknown> => {
      let v: Record<string, unknown> = { leaf: 'x' };
      for (let i = 1; i < levels; i++) v = { n: v };
      return v;
    };
    const withDetails = (details: unknown) => ({
      ...trigger,
      payload: { ...trigger.payload, custom_details: details },
    });

    it('accepts exactly 100 levels', () => {
      expect(errorsOf(withDetails(nested(100)))).toEqual([]);
      expect(errorsOf(withDetails({ a: JSON.parse(`${'['.repeat(99)}${']'.repeat(99)}`) }))).toEqual([]);
    });

    it('refuses 101 levels, and 10,000 (which would exhaust the stack) the same way', () => {
      for (const levels of [101, 10_000]) {
        const errors = errorsOf(withDetails(nested(levels)));
        expect(errors).toEqual([
          `'payload.custom_details${'.n'.repeat(100)}' is nested too deeply (at most 100 levels)`,
        ]);
      }
      expect(errorsOf(withDetails({ a: JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) }))).toEqual([
        `'payload.custom_details.a${'[0]'.repeat(99)}' is nested too deeply (at most 100 levels)`,
      ]);
    });
  });
});

describe('change event validation', () => {
  const change = {
    routing_key: KEY,
    payload: {
      summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
      timestamp: '2015-07-17T08:42:58.315+0000',
      source: 'prod-build-agent-i-0b148d1040d565540',
      custom_details: { build_state: 'passed', build_number: '220' },
    },
    links: [{ href: 'https://buildpipeline.example.com/220', text: 'View in Build Pipeline' }],
  };

  it('accepts the spec example', () => {
    const v = validateChangeEvent(change, now);
    expect(v.ok && v.draft).toMatchObject({
      action: 'change',
      dedupKey: undefined,
      payload: { summary: change.payload.summary, source: change.payload.source },
      links: change.links,
    });
  });

  it.each([
    [{ payload: undefined }, ["'payload' is missing or blank"]],
    [{ payload: { source: 'x' } }, ["'payload.summary' is missing or blank"]],
    [
      { payload: { summary: 'x'.repeat(1025) } },
      ["Length of 'payload.summary' is incorrect (should be at most 1024 characters)"],
    ],
    [{ routing_key: 'k' }, ["Length of 'routing_key' is incorrect (should be 32 characters)"]],
    [{ payload: { summary: 'a\u0000' } }, ["'payload.summary' must not contain NUL characters (\\u0000)"]],
    [{ payload: { summary: 's', source: '\ud800' } }, ["'payload.source' must not contain unpaired UTF-16 surrogates"]],
    [
      { payload: { summary: 's', custom_details: { a: { b: 'x\u0000' } } } },
      ["'payload.custom_details.a.b' must not contain NUL characters (\\u0000)"],
    ],
    [{ links: [{ href: 'https://x/\udc00' }] }, ["'links[0].href' must not contain unpaired UTF-16 surrogates"]],
  ])('refuses %j', (patch, expected) => {
    const v = validateChangeEvent({ ...change, ...patch }, now);
    expect(v.ok ? [] : v.errors).toEqual(expected);
  });
});

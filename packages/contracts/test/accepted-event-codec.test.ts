import { create, toBinary } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import {
  type AcceptedEventInit,
  AcceptedEventSchema,
  decode,
  ENCODED_FIELDS,
  EventAction,
  EventSource,
  encode,
  encodeAcceptedEvent,
  ImageSchema,
  LinkSchema,
  PayloadSchema,
  RoutingStatus,
  timestampFromDate,
  topics,
} from '../src';

const generated = (init: AcceptedEventInit) => toBinary(AcceptedEventSchema, create(AcceptedEventSchema, init));

const full: AcceptedEventInit = {
  id: '0mhz1k2a3b4c5d6e7f8a9b0c1',
  receivedAt: timestampFromDate(new Date('2026-11-26T12:34:56.789Z')),
  integrationId: 'PINT001',
  serviceId: 'PSVC001',
  routingStatus: RoutingStatus.MAINTENANCE,
  action: EventAction.RESOLVE,
  dedupKey: 'srv01/mysql',
  payload: {
    summary: 'DISK at 99% on machine prod-datapipe03.example.com — ünïcødé ✓ 🚨',
    source: 'prod-datapipe03.example.com',
    severity: 'critical',
    timestamp: '2015-07-17T08:42:58.315+0000',
    component: 'mysql',
    group: 'prod-datapipe',
    class: 'disk',
    customDetailsJson: JSON.stringify({ pad: 'x'.repeat(20_000), 'load avg': 0.75 }),
  },
  images: [{ src: 'https://chart.example.com/x.png', href: 'https://example.com', alt: 'chart' }, { src: 'https://a' }],
  links: [{ href: 'https://example.com/runbook', text: 'Runbook' }, { href: 'https://b' }],
  client: 'Sample Monitoring Service',
  clientUrl: 'https://monitoring.example.com',
  sourceApi: EventSource.EVENTS_V1,
};

describe('events.accepted fast encoder', () => {
  it.each([
    ['every field set, multi-byte lengths and characters', full],
    ['nothing set', {}],
    ['an empty payload and a zero timestamp', { payload: {}, receivedAt: { seconds: 0n, nanos: 0 } }],
    [
      'a typical trigger',
      {
        ...full,
        images: [],
        links: [],
        client: '',
        clientUrl: '',
        payload: { ...full.payload, customDetailsJson: '' },
      },
    ],
    ['a long summary (2-byte length) only', { payload: { summary: 's'.repeat(1024) } }],
  ])('gives the generated code’s bytes: %s', (_, init) => {
    expect(Buffer.from(encodeAcceptedEvent(init as AcceptedEventInit))).toEqual(
      Buffer.from(generated(init as AcceptedEventInit)),
    );
  });

  it('is what the topic catalog uses, and decodes back with the generated code', () => {
    const message = encode(topics.eventsAccepted, full);
    expect(message.key).toBe('PSVC001');
    expect(decode(topics.eventsAccepted, message.value)).toEqual(create(AcceptedEventSchema, full));
  });

  it('knows every field of the schema (a new field must be added to the encoder)', () => {
    const numbers = (schema: { fields: readonly { number: number }[] }) => schema.fields.map((f) => f.number);
    expect(numbers(AcceptedEventSchema)).toEqual([...ENCODED_FIELDS.AcceptedEvent]);
    expect(numbers(PayloadSchema)).toEqual([...ENCODED_FIELDS.Payload]);
    expect(numbers(ImageSchema)).toEqual([...ENCODED_FIELDS.Image]);
    expect(numbers(LinkSchema)).toEqual([...ENCODED_FIELDS.Link]);
    expect(numbers(TimestampSchema)).toEqual([...ENCODED_FIELDS.Timestamp]);
  });
});

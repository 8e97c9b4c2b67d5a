import type { BusMessage, Decoded } from '@klaxon/bus';
import type { AcceptedEvent } from '@klaxon/contracts';
import { eventsAcceptedConsumer } from '../src/consumers/events-accepted.consumer';

// What the consumer tells the bus when applying fails: a transient error is thrown, so the bus
// retries it until the database is back instead of dead-lettering the events after maxAttempts.

const raw = { topic: 'events.accepted', partition: 0, offset: '1' } as BusMessage;
const batch = [{ raw, message: {} as AcceptedEvent }] as Decoded<AcceptedEvent>[];
const log = { debug: () => undefined, warn: () => undefined };
const consumerFailingWith = (err: unknown) =>
  eventsAcceptedConsumer({ apply: () => Promise.reject(err), published: () => undefined, log });

describe('events.accepted consumer', () => {
  it.each([
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['Connection terminated', new Error('Connection terminated unexpectedly')],
    [
      'a serialization failure wrapped by drizzle',
      new Error('Failed query: ...', {
        cause: Object.assign(new Error('could not serialize access'), { code: '40001' }),
      }),
    ],
  ])('throws a transient error (%s) for the bus to retry until it passes', async (_what, err) => {
    await expect(consumerFailingWith(err)(batch)).rejects.toBe(err);
  });

  it('throws any other failure too: the bus sets a permanent one aside after a few quick attempts', async () => {
    const bug = new TypeError('x is undefined');
    await expect(consumerFailingWith(bug)(batch)).rejects.toBe(bug);
  });
});

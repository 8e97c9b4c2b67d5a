import { waitFor } from '@klaxon/testing';
import { startDueTimerPoller } from '../src/timer-poller';

// The loop durable timers share. The poll interval is an hour, far longer than the test may run:
// the loop polling at all shows it woke for the timer due next instead of sleeping the interval.
describe('startDueTimerPoller', () => {
  const HOUR = 3_600_000;

  it('wakes when the next timer falls due, sooner than the poll interval, and keeps doing so', async () => {
    const polls: Date[] = [];
    const asked: Date[] = [];
    const poller = startDueTimerPoller({
      clock: { now: () => new Date() },
      log: { warn: () => undefined },
      pollMs: HOUR,
      batch: 10,
      fireBatch: async (now) => {
        polls.push(now);
        return 0;
      },
      published: () => undefined,
      failure: 'test_poll_failed',
      nextDueAt: async (now) => {
        asked.push(now);
        return new Date(now.getTime() + 20);
      },
    });
    try {
      await waitFor(() => polls.length >= 2, { what: 'two polls woken by the next due timer' });
      expect(asked.length).toBeGreaterThanOrEqual(2);
    } finally {
      await poller.stop();
    }
  });

  it('a failing look-up of the next timer falls back to the interval and is logged', async () => {
    const warned: string[] = [];
    const poller = startDueTimerPoller({
      clock: { now: () => new Date() },
      log: {
        warn: (...args: unknown[]) => {
          warned.push(String(args[1]));
        },
      },
      pollMs: HOUR,
      batch: 10,
      fireBatch: async () => 0,
      published: () => undefined,
      failure: 'test_poll_failed',
      nextDueAt: async () => {
        throw new Error('database away');
      },
    });
    try {
      await waitFor(() => warned.length >= 1, { what: 'the failure logged' });
      expect(warned).toEqual(['test_poll_failed']);
    } finally {
      await poller.stop();
    }
  });
});

import type { Logger } from 'pino';
import { onShutdown, runShutdown } from '../src/shutdown';

function recordingLog() {
  const messages: string[] = [];
  const record = (_fields: unknown, msg?: string) => void messages.push(msg ?? String(_fields));
  const log = { info: record, error: record, warn: record } as unknown as Pick<Logger, 'info' | 'error' | 'warn'>;
  return { log, messages };
}

describe('runShutdown', () => {
  it('runs the closers once, in order, and resolves 0', async () => {
    const { log, messages } = recordingLog();
    const order: string[] = [];
    const code = await runShutdown(log, [
      async () => void order.push('app'),
      async () => void order.push('consumers'),
      async () => void order.push('db'),
    ]);
    expect(code).toBe(0);
    expect(order).toEqual(['app', 'consumers', 'db']);
    expect(messages).toEqual(['shutdown_finished']);
  });

  it('keeps closing after a failing step and resolves 1', async () => {
    const { log, messages } = recordingLog();
    const closed: string[] = [];
    const code = await runShutdown(log, [
      async () => {
        throw new Error('bus unreachable');
      },
      async () => void closed.push('db'),
    ]);
    expect(code).toBe(1);
    expect(closed).toEqual(['db']);
    expect(messages).toEqual(['shutdown_step_failed', 'shutdown_finished']);
  });

  it('resolves 1 when a closer outlives the timeout', async () => {
    const { log, messages } = recordingLog();
    const code = await runShutdown(log, [() => new Promise<void>(() => undefined)], { timeoutMs: 20 });
    expect(code).toBe(1);
    expect(messages).toEqual(['shutdown_timed_out', 'shutdown_finished']);
  });
});

describe('onShutdown', () => {
  it('runs the sequence on SIGTERM once and exits with its code', async () => {
    const { log, messages } = recordingLog();
    const listenersBefore = process.listenerCount('SIGTERM');
    let calls = 0;
    const exited = new Promise<number>((resolve) => {
      const dispose = onShutdown(
        log,
        [
          async () => {
            calls++;
          },
        ],
        {
          exit: (code) => {
            dispose();
            resolve(code);
          },
        },
      );
    });
    process.emit('SIGTERM');
    expect(await exited).toBe(0);
    expect(calls).toBe(1);
    expect(messages).toEqual(['shutdown_started', 'shutdown_finished']);
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
  });

  it('exits 1 at once on a second signal', async () => {
    const { log, messages } = recordingLog();
    const codes: number[] = [];
    let release = (): void => undefined;
    let finished = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const stuck = () =>
      new Promise<void>((resolve) => {
        release = resolve;
      });
    const dispose = onShutdown(log, [stuck], {
      exit: (code) => {
        codes.push(code);
        if (codes.length === 2) finished();
      },
    });
    process.emit('SIGINT');
    process.emit('SIGINT');
    expect(codes).toEqual([1]);
    expect(messages).toEqual(['shutdown_started', 'shutdown_forced']);
    // Let the first run finish so no timer outlives the test.
    release();
    await done;
    dispose();
  });
});

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

// The all-in-one's background thread lowers its own CPU priority, not the process's: the thread
// serving HTTP keeps its niceness. Read back from /proc, as `top -H` would show it.
const niceOf = (statPath: string) => Number(readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ')[16]);

describe('lowerThreadPriority', () => {
  it('lowers the calling thread only', async () => {
    const before = niceOf('/proc/thread-self/stat');
    const seen = await new Promise<{ applied: boolean; nice: number }>((resolve, reject) => {
      const worker = new Worker(
        `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();
         const { parentPort } = require('node:worker_threads');
         const { readFileSync } = require('node:fs');
         const { lowerThreadPriority } = require(${JSON.stringify(require.resolve('../src/thread-priority'))});
         const applied = lowerThreadPriority(${before} + 5);
         const nice = Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ')[16]);
         parentPort.postMessage({ applied, nice });`,
        { eval: true },
      );
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(seen).toEqual({ applied: true, nice: before + 5 });
    expect(niceOf('/proc/thread-self/stat')).toBe(before);
  });
});

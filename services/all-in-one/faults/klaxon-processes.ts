import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

// A Klaxon process (the all-in-one, or one service) as `pnpm start` / `pnpm --filter X start` runs
// it, that the suite can kill -9 and start again on the same data and port. Loopback only.

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface KlaxonProcess {
  readonly baseUrl: string;
  /** Whether the process is still running (a crash shows here). */
  alive(): boolean;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `script` (services/<name>/src/main.ts) on `port` and waits for /readyz. */
export async function startKlaxon(
  script: string,
  port: number,
  env: Record<string, string>,
  logFile: string,
): Promise<KlaxonProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: {
      ...process.env,
      // The suite's sender is one client address standing for many monitoring hosts: no per-address
      // connection cap, whose 429s would leave events uncounted.
      KLAXON_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0',
      ...env,
      KLAXON_PORT: String(port),
      KLAXON_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let running = true;
  const exit = new Promise<void>((r) => child.once('exit', () => r()));
  void exit.then(() => {
    running = false;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (!running) throw new Error(`${script} exited before it was ready (log: ${logFile})`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} not ready in 180 s (log: ${logFile})`);
    }
    await sleep(250);
  }
  return {
    baseUrl,
    alive: () => running,
    kill9: async () => {
      child.kill('SIGKILL');
      await exit;
    },
    stop: async () => {
      if (!running) return;
      child.kill('SIGTERM');
      if (!(await Promise.race([exit.then(() => true), sleep(30_000).then(() => false)]))) child.kill('SIGKILL');
      await exit;
    },
  };
}

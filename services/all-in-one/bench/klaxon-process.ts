import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import path from 'node:path';

// The all-in-one as `pnpm start` runs it (tsx services/all-in-one/src/main.ts), as a child process
// the bench only reaches over loopback HTTP, plus what the bench reads of it from outside: RSS from
// /proc and the event-loop delay from /metrics.

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface KlaxonProcess {
  readonly pid: number;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether /readyz answers 200, over HTTPS trusting `ca` when given (fetch cannot be given a CA). */
async function isReady(baseUrl: string, ca: Buffer | undefined): Promise<boolean> {
  if (!ca) return (await fetch(`${baseUrl}/readyz`)).ok;
  return new Promise((resolve, reject) => {
    httpsGet(`${baseUrl}/readyz`, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', reject);
  });
}

/**
 * Starts the all-in-one on a free loopback port and waits for /readyz; its stdout goes to logFile.
 * With `tls`, it serves HTTPS with that certificate and `ca` is what the readiness probe trusts.
 */
export async function startAllInOne(
  env: Record<string, string>,
  logFile: string,
  tls?: { certFile: string; keyFile: string; ca: Buffer },
): Promise<KlaxonProcess> {
  const port = await freePort();
  // What `pnpm start` runs, as one node process (tsx as a loader), so flags such as --cpu-prof given
  // in BENCH_NODE_FLAGS reach the server itself.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', ...flags, 'services/all-in-one/src/main.ts'],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        KLAXON_PORT: String(port),
        KLAXON_HOST: '127.0.0.1',
        ...(tls ? { KLAXON_TLS_CERT_FILE: tls.certFile, KLAXON_TLS_KEY_FILE: tls.keyFile } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  child.stdout?.pipe(createWriteStream(logFile));
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => r()));
  void exit.then(() => {
    exited = true;
  });
  const baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exit.then(() => true), sleep(30_000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exit;
    }
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`the all-in-one exited before it was ready (log: ${logFile})`);
    try {
      if (await isReady(baseUrl, tls?.ca)) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the all-in-one did not become ready in 120 s (log: ${logFile})`);
    }
    await sleep(200);
  }
  return { pid: child.pid ?? 0, baseUrl, stop };
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

/**
 * CPU seconds the process tree has used: its processes' own user and system time plus that of their
 * children already reaped (PostgreSQL's backends that ended). With the embedded default the tree
 * holds the database too, so this is what the whole product spent.
 */
export function cpuSecondsOf(pid: number): number {
  let ticks = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    try {
      // Fields after the command's closing parenthesis; utime, stime, cutime, cstime are 14-17 of stat.
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      for (const i of [11, 12, 13, 14]) ticks += Number(fields[i] ?? 0);
    } catch {
      // Ended between the listing and the read.
    }
    queue.push(...children(p));
  }
  return ticks / TICKS_PER_S;
}

export interface Rss {
  /** The largest single process of the tree: the node process running main.ts (tsx starts it as a child). */
  serverMb: number;
  /** The whole tree: the tsx launcher, the server, and anything the server started (an embedded database). */
  treeMb: number;
}

export function rssOf(pid: number): Rss {
  const all: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    all.push(rssKb(p));
    queue.push(...children(p));
  }
  return { serverMb: Math.max(0, ...all) / 1024, treeMb: all.reduce((a, b) => a + b, 0) / 1024 };
}

export interface EventLoopDelay {
  p99Ms: number;
  maxMs: number;
}

// prom-client's default metrics (nodejs_eventloop_lag_*_seconds); klaxon_event_loop_delay if a later
// version names its own. prom-client resets its histogram on every scrape, so each scrape covers the
// time since the previous one.
const loopMetrics = {
  p99: ['nodejs_eventloop_lag_p99_seconds', 'klaxon_event_loop_delay_p99_seconds'],
  max: ['nodejs_eventloop_lag_max_seconds', 'klaxon_event_loop_delay_max_seconds'],
};

/** The event-loop delay the child reports on /metrics, or null when it reports none. */
export async function eventLoopDelay(baseUrl: string): Promise<EventLoopDelay | null> {
  let text: string;
  try {
    const res = await fetch(`${baseUrl}/metrics`);
    if (!res.ok) return null;
    text = await res.text();
  } catch {
    return null;
  }
  const value = (names: string[]) => {
    for (const line of text.split('\n')) {
      const [name, ...rest] = line.split(/[{\s]/);
      if (name && names.includes(name)) return Number(rest[rest.length - 1]) * 1000;
    }
    return undefined;
  };
  const p99 = value(loopMetrics.p99);
  const max = value(loopMetrics.max);
  return p99 === undefined || max === undefined ? null : { p99Ms: p99, maxMs: max };
}

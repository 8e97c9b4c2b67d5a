import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The ingest bench's peer: Prometheus Alertmanager's own intake (Debian's prometheus-alertmanager),
// run by the bench on loopback with a receiver that sends nothing, no clustering and a throwaway
// storage folder. What it does per alert (validate, keep in memory, route) is the nearest open-source
// counterpart of Klaxon's Events API; unlike Klaxon's 202 it appends nothing durably before answering.

const BIN = '/usr/bin/prometheus-alertmanager';
const CONFIG = ['route:', '  receiver: blackhole', 'receivers:', '  - name: blackhole', ''].join('\n');

const lastLine = (err: unknown) => {
  const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
  return stderr.split('\n').pop() || (err instanceof Error ? err.message : String(err));
};

/** Installs the Debian package when it is missing and we may; returns why not otherwise. */
function ensureInstalled(): string | undefined {
  if (existsSync(BIN)) return undefined;
  if (process.getuid?.() !== 0) return `${BIN} is missing; run apt-get install -y prometheus-alertmanager as root`;
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  try {
    try {
      apt(['install', '-y', '--no-install-recommends', 'prometheus-alertmanager']);
    } catch {
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'prometheus-alertmanager']);
    }
  } catch (err) {
    return `apt-get install prometheus-alertmanager failed: ${lastLine(err)}`;
  }
  // Where systemd runs, the package enables and starts its own service; the bench runs only its copy.
  try {
    execFileSync('systemctl', ['disable', '--now', 'prometheus-alertmanager'], { stdio: 'ignore' });
  } catch {
    /* no systemd here: nothing was started */
  }
  return existsSync(BIN) ? undefined : `${BIN} is still missing after apt-get install`;
}

export interface Alertmanager {
  port: number;
  child: ChildProcess;
  cleanup(): void;
}

export async function startAlertmanager(freePort: () => Promise<number>): Promise<Alertmanager | { why: string }> {
  const why = ensureInstalled();
  if (why) return { why };
  const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-bench-alertmanager-'));
  const config = path.join(dir, 'alertmanager.yml');
  writeFileSync(config, CONFIG);
  const port = await freePort();
  const child = spawn(
    BIN,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) return { port, child, cleanup };
    } catch {
      /* not listening yet */
    }
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      cleanup();
      return { why: exited ? 'alertmanager exited at start' : 'alertmanager did not become ready in 30 s' };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

let seq = 0;
/** One alert per request, unique labels (a new alert each time, as unique dedup keys are for Klaxon). */
export const alertBody = () => {
  const n = seq++;
  return JSON.stringify([
    {
      labels: {
        alertname: 'CPULoadHigh',
        instance: `web-${n % 97}.example.com`,
        severity: 'critical',
        bench: `bench-${n}`,
      },
      annotations: { summary: `CPU load high on web-${n % 97}.example.com`, load: '0.97', cores: '8' },
      generatorURL: 'http://127.0.0.1/graph',
    },
  ]);
};

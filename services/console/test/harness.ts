import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '@klaxon/testing';
import { type BrowserContext, chromium } from 'playwright-core';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** Screenshots of each screen, kept as test artifacts (ignored by git). */
export const artifactsDir = path.join(repoRoot, 'artifacts', 'console');

export interface Klaxon {
  baseUrl: string;
  token: string;
  stop: () => Promise<void>;
}

/** The all-in-one as `pnpm start` runs it, on loopback, with a fresh data folder and a bootstrap token. */
export async function startKlaxon(): Promise<Klaxon> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'klaxon-console-data-'));
  const token = `console-${Date.now()}-bootstrap-token`;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'services', 'all-in-one', 'src', 'main.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        KLAXON_PORT: String(port),
        KLAXON_HOST: '127.0.0.1',
        KLAXON_DATA_DIR: dataDir,
        KLAXON_BOOTSTRAP_TOKEN: token,
        KLAXON_DATABASE_URL: '',
        KLAXON_KAFKA_BROKERS: '',
        KLAXON_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  // /healthz answers before every service knows the bootstrap token (grouping learns it from
  // catalog.changes): ready means the catalog and the incidents API both accept it.
  const accepted = async (route: string) =>
    (await fetch(`${baseUrl}${route}`, { headers: { Authorization: `Token token=${token}` } })).status === 200;
  const signedIn = async () => (await accepted('/users/me')) && (await accepted('/incidents'));
  await waitFor(() => signedIn().catch(() => false), {
    what: 'Klaxon to accept its bootstrap token',
    timeoutMs: 120_000,
    intervalMs: 250,
  });
  return {
    baseUrl,
    token,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium (or KLAXON_CHROMIUM), since Playwright's own browser download is not reachable. */
export function chromiumPath(): string {
  const found = [process.env.KLAXON_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p) => p && existsSync(p),
  );
  if (!found) throw new Error('Chromium not found: apt-get install -y chromium, or set KLAXON_CHROMIUM');
  return found;
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** A headless Chromium with a fresh profile that may use the clipboard on Klaxon's origin. */
export async function openBrowser(origin: string): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'klaxon-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  mkdirSync(artifactsDir, { recursive: true });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A PagerDuty REST client for the test's own setup and checks, with some user's token. */
export function restClient(baseUrl: string, token: string, from = 'owner@klaxon.local') {
  return async <T = Record<string, unknown>>(method: string, route: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        Accept: 'application/vnd.pagerduty+json;version=2',
        Authorization: `Token token=${token}`,
        'Content-Type': 'application/json',
        From: from,
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@klaxon/testing';

// What `pnpm start` does on a laptop: one process, embedded storage in a folder, data kept across a
// restart, a clean exit on SIGTERM.
const repoRoot = path.resolve(__dirname, '..', '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Running {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Running {
  // One node process with tsx as its loader (what `pnpm start` runs, without the tsx CLI in front of
  // it): SIGTERM reaches Klaxon itself, not a wrapper that relays it.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'src', 'main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('all-in-one process', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'klaxon-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves /healthz, exits cleanly on SIGTERM and keeps its data across a restart', async () => {
    const port = await freePort();
    const env = {
      KLAXON_PORT: String(port),
      KLAXON_HOST: '127.0.0.1',
      KLAXON_DATA_DIR: dataDir,
      KLAXON_BOOTSTRAP_TOKEN: 'a-bootstrap-token-for-the-process-test',
      KLAXON_DATABASE_URL: '',
      KLAXON_KAFKA_BROKERS: '',
    };
    const healthy = () =>
      waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, {
        what: 'healthz',
        timeoutMs: 60_000,
        intervalMs: 200,
      });

    const first = start(env);
    await healthy();
    expect(first.lines.find((l) => l.msg === 'catalog_bootstrap')?.result).toBe('created');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = start(env);
    await healthy();
    expect(second.lines.find((l) => l.msg === 'catalog_bootstrap')?.result).toBe('exists');
    // The walkthrough through the real process: the event is answered by the serving thread and
    // becomes an incident in the background thread, whose consumers show on the one /metrics.
    const base = `http://127.0.0.1:${port}`;
    const rest = async (pathname: string, body?: unknown) => {
      const response = await fetch(`${base}${pathname}`, {
        method: body ? 'POST' : 'GET',
        headers: {
          authorization: 'Token token=a-bootstrap-token-for-the-process-test',
          accept: 'application/vnd.pagerduty+json;version=2',
          'content-type': 'application/json',
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return (await response.json()) as Record<string, Record<string, unknown>>;
    };
    const service = (await rest('/services', { service: { type: 'service', name: 'Checkout' } })).service;
    const integration = (
      await rest(`/services/${service?.id}/integrations`, {
        integration: { type: 'events_api_v2_inbound_integration', name: 'Alertmanager' },
      })
    ).integration;
    const accepted = await fetch(`${base}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: integration?.integration_key,
        event_action: 'trigger',
        payload: { summary: 'p99 latency above 2s', source: 'checkout-1', severity: 'critical' },
      }),
    });
    expect(accepted.status).toBe(202);
    const incidents = await waitFor(
      async () => {
        const listed = (await rest('/incidents')) as unknown as { incidents: { title: string }[] };
        return listed.incidents.length > 0 ? listed.incidents : undefined;
      },
      { what: 'the incident', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(incidents.map((i) => i.title)).toEqual(['p99 latency above 2s']);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/klaxon_consumer_lag_messages\{[^}]*group="grouping\.events"[^}]*thread="background"/);
    // The bootstrap token never reaches the logs.
    expect(JSON.stringify([...first.lines, ...second.lines])).not.toContain('a-bootstrap-token-for-the-process-test');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // Two cold starts of a real process (PostgreSQL's initdb included) on a busy 2-core machine.
  }, 180_000);
});

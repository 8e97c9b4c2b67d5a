import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startAllInOne } from '../services/all-in-one/bench/klaxon-process';
import { makeCertificates } from './certificates';

// `pnpm test:compat`: the official PagerDuty clients, unmodified and installed from their registries
// (go-pagerduty from the Go module proxy, pdpyras and `pagerduty` from PyPI into a virtualenv,
// @pagerduty/pdjs from npm through this workspace), each running an operator's and a monitoring
// tool's flow against an all-in-one this script starts on loopback over TLS (the `pagerduty` package
// and pdjs accept only https:// base URLs). Every step prints PASS or FAIL; the last line is
// "N passed, N failed". COMPAT_CLIENTS=go,pdpyras picks clients.

const root = path.resolve(__dirname, '..');
const work = path.join(root, '.compat');
const clientTimeoutMs = 5 * 60_000;
const installTimeoutMs = 10 * 60_000;

interface Client {
  name: string;
  /** Installs the client from its registry (skipped when already there); throws with the tool's output. */
  install(): void;
  command: string;
  args: string[];
  /** How this client's HTTP stack is told to trust the throwaway CA. */
  caEnv: string[];
}

function run(command: string, args: string[], cwd = root): void {
  const res = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: installTimeoutMs });
  if (res.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${res.error?.message ?? ''}${res.stderr}${res.stdout}`);
  }
}

const venv = path.join(work, 'venv');
const python = path.join(venv, 'bin', 'python');
const installPython = () => {
  if (!existsSync(python)) run('python3', ['-m', 'venv', venv]);
  run(python, [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '-r',
    'compat/python/requirements.txt',
  ]);
};

const clients: Client[] = [
  {
    name: 'go-pagerduty',
    install: () => run('go', ['build', '-o', path.join(work, 'bin', 'go-flow'), '.'], path.join(root, 'compat', 'go')),
    command: path.join(work, 'bin', 'go-flow'),
    args: [],
    caEnv: ['SSL_CERT_FILE'],
  },
  {
    name: 'pdpyras',
    install: installPython,
    command: python,
    args: ['compat/python/pdpyras_flow.py'],
    caEnv: ['REQUESTS_CA_BUNDLE'],
  },
  {
    name: 'pagerduty (Python)',
    install: installPython,
    command: python,
    args: ['compat/python/pagerduty_flow.py'],
    caEnv: ['SSL_CERT_FILE'],
  },
  {
    name: 'pdjs',
    // Installed by `pnpm install` (compat/package.json pins it); checked here so a missing install says so.
    install: () => {
      if (!existsSync(path.join(root, 'compat', 'node_modules', '@pagerduty', 'pdjs'))) {
        throw new Error('@pagerduty/pdjs is not installed: run pnpm install');
      }
    },
    command: process.execPath,
    args: ['--import', 'tsx', 'compat/pdjs/flow.ts'],
    caEnv: ['NODE_EXTRA_CA_CERTS'],
  },
];

interface Outcome {
  client: string;
  passed: string[];
  failed: string[];
}

function runClient(client: Client, env: Record<string, string>): Promise<Outcome> {
  const outcome: Outcome = { client: client.name, passed: [], failed: [] };
  return new Promise((resolve) => {
    const child = spawn(client.command, client.args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      outcome.failed.push(`did not finish in ${clientTimeoutMs / 1000} s`);
      child.kill('SIGKILL');
    }, clientTimeoutMs);
    let buffered = '';
    const onLine = (line: string) => {
      const m = /^(PASS|FAIL) (.*)$/.exec(line);
      if (m?.[1] === 'PASS') outcome.passed.push(m[2] ?? '');
      if (m?.[1] === 'FAIL') outcome.failed.push(m[2] ?? '');
      process.stdout.write(`  [${client.name}] ${line}\n`);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (buffered) onLine(buffered);
      // A crash the flow did not report as a step still fails the client, with the tail of its stderr.
      if (code !== 0 && outcome.failed.length === 0) outcome.failed.push(`exited with ${code}: ${stderr.trim()}`);
      if (code !== 0 && stderr.trim()) process.stdout.write(`  [${client.name}] stderr: ${stderr.trim()}\n`);
      resolve(outcome);
    });
  });
}

async function main(): Promise<number> {
  const wanted = (process.env.COMPAT_CLIENTS ?? '').split(',').filter(Boolean);
  const chosen = clients.filter((c) => wanted.length === 0 || wanted.some((w) => c.name.startsWith(w)));
  mkdirSync(work, { recursive: true });
  const outcomes: Outcome[] = [];

  const installed: Client[] = [];
  for (const client of chosen) {
    try {
      process.stdout.write(`installing ${client.name}\n`);
      client.install();
      installed.push(client);
    } catch (err) {
      outcomes.push({ client: client.name, passed: [], failed: [`install: ${(err as Error).message}`] });
    }
  }

  const certs = makeCertificates(path.join(work, 'tls'));
  const dataDir = path.join(work, 'data');
  rmSync(dataDir, { recursive: true, force: true });
  const token = randomBytes(24).toString('hex');
  const owner = 'owner@klaxon.local';
  const klaxon = await startAllInOne(
    {
      KLAXON_DATA_DIR: dataDir,
      KLAXON_BOOTSTRAP_TOKEN: token,
      KLAXON_BOOTSTRAP_EMAIL: owner,
      KLAXON_LOG_LEVEL: 'info',
    },
    path.join(work, 'klaxon.log'),
    certs,
  );
  process.stdout.write(`klaxon at ${klaxon.baseUrl} (log: .compat/klaxon.log)\n`);
  try {
    for (const client of installed) {
      const run = randomBytes(4).toString('hex');
      const env: Record<string, string> = {
        KLAXON_URL: klaxon.baseUrl,
        KLAXON_TOKEN: token,
        KLAXON_FROM: owner,
        KLAXON_RUN: run,
      };
      for (const name of client.caEnv) env[name] = certs.caFile;
      process.stdout.write(`\n${client.name}\n`);
      outcomes.push(await runClient(client, env));
    }
  } finally {
    await klaxon.stop();
  }

  process.stdout.write('\ncompatibility:\n');
  for (const o of outcomes) {
    process.stdout.write(`  ${o.client}: ${o.passed.length} passed, ${o.failed.length} failed\n`);
    for (const f of o.failed) process.stdout.write(`    FAIL ${f}\n`);
  }
  const passed = outcomes.reduce((n, o) => n + o.passed.length, 0);
  const failed = outcomes.reduce((n, o) => n + o.failed.length, 0);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stdout.write(`compat suite crashed: ${(err as Error).stack ?? String(err)}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startAllInOne } from '../../services/all-in-one/bench/klaxon-process';

// `pnpm test:schema`: schemathesis (PyPI, in a virtualenv this script makes) fuzzes every operation
// of the all-in-one's own /openapi.json with a bootstrap token, on loopback. Each operation passes
// when no answer is a 5xx, every status is documented for it, and every body matches its documented
// content type and schema. Prints PASS/FAIL per operation and "N passed, N failed" last.
// Phases: coverage (boundary and invalid values of every parameter and body field, deterministic)
// and fuzzing (SCHEMA_EXAMPLES random cases per operation, default 5). The run is bounded to
// SCHEMA_TIMEOUT_S (default 900 s; about 3 minutes on an idle two-core machine, 7 under heavy load):
// past it schemathesis is interrupted, writes its report, and what it tested counts.

const root = path.resolve(__dirname, '..', '..');
const work = path.join(root, '.compat');
const venv = path.join(work, 'schema-venv');
const st = path.join(venv, 'bin', 'st');
const examples = process.env.SCHEMA_EXAMPLES ?? '5';
const timeoutMs = Number(process.env.SCHEMA_TIMEOUT_S ?? '900') * 1000;
const checks = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];

function install(): void {
  const run = (command: string, args: string[]) => {
    const res = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 10 * 60_000 });
    if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${res.stderr}${res.stdout}`);
  };
  if (!existsSync(path.join(venv, 'bin', 'python'))) run('python3', ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'python'), [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '-r',
    'compat/schema/requirements.txt',
  ]);
}

/** Runs schemathesis to the end (or the time bound), its output passed through; resolves its exit code. */
function fuzz(baseUrl: string, token: string, reportDir: string): Promise<number | null> {
  const args = [
    'run',
    `${baseUrl}/openapi.json`,
    '--url',
    baseUrl,
    '-H',
    `Authorization: Token token=${token}`,
    '-H',
    'Accept: application/vnd.pagerduty+json;version=2',
    '--checks',
    checks.join(','),
    '--phases',
    'coverage,fuzzing',
    '--max-examples',
    examples,
    '--no-shrink',
    // Health checks judge how fast hypothesis draws cases (slow on a loaded machine), not Klaxon.
    '--suppress-health-check',
    'all',
    // One worker: with two, CPython 3.11 compiling hypothesis' generated code in parallel threads
    // failed a case generation now and then (SystemError: AST constructor recursion depth mismatch).
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--report',
    'junit',
    '--report-dir',
    reportDir,
  ];
  return new Promise((resolve) => {
    const child = spawn(st, args, { cwd: work, stdio: ['ignore', 'inherit', 'inherit'] });
    // SIGINT first: schemathesis stops and still writes its report; SIGKILL if it does not stop.
    const timer = setTimeout(() => {
      process.stdout.write(`schemathesis interrupted after ${timeoutMs / 1000} s\n`);
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

interface Verdict {
  operation: string;
  problem?: string;
}

/** One verdict per operation from the JUnit report: a failure or an error fails it. */
function verdicts(reportDir: string): Verdict[] {
  const file = readdirSync(reportDir).find((f) => f.endsWith('.xml'));
  if (!file) return [];
  const xml = readFileSync(path.join(reportDir, file), 'utf8');
  const out: Verdict[] = [];
  for (const m of xml.matchAll(/<testcase name="([^"]+)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const operation = (m[1] ?? '').replace(/&amp;/g, '&');
    const inner = m[3] ?? '';
    // <failure message="ST105"> for a check that failed; <error> when schemathesis itself could not
    // test the operation (it is not verified, so it does not pass either).
    const problem = /<(failure|error)\b([^>]*)>/.exec(inner);
    if (/<skipped/.test(inner)) continue;
    const message = /message="([^"]*)"/.exec(problem?.[2] ?? '')?.[1] ?? 'schemathesis could not test it';
    out.push(problem ? { operation, problem: `${problem[1]}: ${message}` } : { operation });
  }
  return out;
}

async function main(): Promise<number> {
  mkdirSync(work, { recursive: true });
  process.stdout.write('installing schemathesis\n');
  install();
  const dataDir = path.join(work, 'schema-data');
  const reportDir = path.join(work, 'schema-report');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(reportDir, { recursive: true, force: true });
  const token = randomBytes(24).toString('hex');
  const klaxon = await startAllInOne(
    {
      KLAXON_DATA_DIR: dataDir,
      KLAXON_BOOTSTRAP_TOKEN: token,
      KLAXON_LOG_LEVEL: 'info',
      // The fuzzer sends thousands of requests with one token: PagerDuty's 960 a minute would answer
      // most of them 429 (documented, but then nothing behind the limit is tested).
      KLAXON_API_RATE_LIMIT: '1000000',
    },
    path.join(work, 'schema-klaxon.log'),
  );
  process.stdout.write(`klaxon at ${klaxon.baseUrl} (log: .compat/schema-klaxon.log)\n`);
  let code: number | null;
  try {
    code = await fuzz(klaxon.baseUrl, token, reportDir);
  } finally {
    await klaxon.stop();
  }
  const results = verdicts(reportDir);
  process.stdout.write('\nschema conformance:\n');
  for (const r of results)
    process.stdout.write(r.problem ? `FAIL ${r.operation}: ${r.problem}\n` : `PASS ${r.operation}\n`);
  const passed = results.filter((r) => !r.problem).length;
  let failed = results.length - passed;
  if (results.length === 0 || (code !== 0 && failed === 0)) {
    process.stdout.write(`schemathesis ended with ${code ?? 'a timeout'} and no failing operation in its report\n`);
    failed += 1;
  }
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stdout.write(`schema suite crashed: ${(err as Error).stack ?? String(err)}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);

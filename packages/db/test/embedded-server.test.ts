import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@klaxon/testing';
import { Client } from 'pg';

// The embedded server's life across its owner's: a restart keeps the data, a `kill -9` of Node leaves
// an orphaned server (or a stale lock file) that the next start stops or clears, and a SIGTERM
// leaves no postgres process behind.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const fixture = path.join(__dirname, 'fixtures', 'run-embedded-server.ts');

interface Owner {
  child: ChildProcess;
  url: string;
  serverPid: number;
  exited: Promise<number | null>;
}

async function startOwner(dataDir: string): Promise<Owner> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      if (buffered.includes('\n')) resolve(buffered.slice(0, buffered.indexOf('\n')));
    });
    void exited.then((code) => reject(new Error(`owner exited with ${code} before its server started`)));
  });
  const { url, serverPid } = JSON.parse(line) as { url: string; serverPid: number };
  return { child, url, serverPid, exited };
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** Processes whose command line names the folder: the server would (postgres -D folder). */
function processesOn(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('embedded PostgreSQL server', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'klaxon-embedded-'));
  const dataDir = path.join(root, 'postgres');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('survives a kill -9 of its owner: the next start stops the orphan and keeps the data', async () => {
    const first = await startOwner(dataDir);
    await query(first.url, 'create table kept (n int); insert into kept values (42)');
    first.child.kill('SIGKILL');
    await first.exited;
    // Nothing told the server its owner died: it still answers, holding the folder's lock.
    expect(alive(first.serverPid)).toBe(true);
    expect(await query(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);

    const second = await startOwner(dataDir);
    expect(alive(first.serverPid)).toBe(false);
    expect(second.serverPid).not.toBe(first.serverPid);
    expect(await query(second.url, 'select n from kept')).toEqual([{ n: 42 }]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await waitFor(() => !alive(second.serverPid), { what: 'server stopped', timeoutMs: 10_000 });
    expect(processesOn(dataDir)).toEqual([]);
  });

  it('refuses a second owner of the folder while the first runs, leaving the first one serving', async () => {
    const first = await startOwner(dataDir);
    await expect(startOwner(dataDir)).rejects.toThrow(/exited with 1 before its server started/);
    expect(alive(first.serverPid)).toBe(true);
    expect(await query(first.url, 'select n from kept')).toEqual([{ n: 42 }]);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Released on a clean stop: the next owner starts at once.
    const next = await startOwner(dataDir);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });

  it('starts over a lock file whose pid is no postgres of this folder', async () => {
    // The pid of a live process that is not the server: what a pid reused after a reboot looks like.
    writeFileSync(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);
    const owner = await startOwner(dataDir);
    expect(await query(owner.url, 'select n from kept')).toEqual([{ n: 42 }]);
    owner.child.kill('SIGTERM');
    expect(await owner.exited).toBe(0);
    expect(processesOn(dataDir)).toEqual([]);
  });
});

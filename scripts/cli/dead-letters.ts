import { type RestClient, RestError } from './rest-client';

// `pnpm klaxon dead-letters list|replay|delete`: the /dead_letters REST API from a terminal.

export const usage = `usage: pnpm klaxon dead-letters list [--topic T] [--group G]
       pnpm klaxon dead-letters replay (ID... | --all [--topic T] [--group G])
       pnpm klaxon dead-letters delete (ID... | --all [--topic T] [--group G])`;

interface DeadLetter {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  consumer_group: string;
  reason: string;
  attempts: number;
  error: string | null;
  created_at: string;
}

interface Args {
  ids: string[];
  all: boolean;
  topic?: string;
  group?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { ids: [], all: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--all') args.all = true;
    else if (a === '--topic' || a === '--group') {
      const value = argv[++i];
      if (!value) throw new RestError(0, `${a} needs a value\n${usage}`);
      if (a === '--topic') args.topic = value;
      else args.group = value;
    } else if (a.startsWith('-')) throw new RestError(0, `unknown option ${a}\n${usage}`);
    else args.ids.push(a);
  }
  return args;
}

/** Every dead letter the filter matches, following the pages. */
async function listAll(client: RestClient, args: Args): Promise<DeadLetter[]> {
  const filter = new URLSearchParams();
  if (args.topic) filter.set('topic', args.topic);
  if (args.group) filter.set('consumer_group', args.group);
  const all: DeadLetter[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await client.request<{ dead_letters: DeadLetter[]; more: boolean }>(
      'GET',
      `/dead_letters?limit=100&offset=${offset}&${filter}`,
    );
    all.push(...page.dead_letters);
    if (!page.more) return all;
  }
}

const line = (d: DeadLetter) =>
  [
    d.id,
    d.created_at,
    `${d.topic}[${d.partition}]@${d.offset}`,
    d.consumer_group,
    `${d.reason}/${d.attempts}`,
    d.error ?? '',
  ]
    .join('\t')
    .replace(/\n/g, ' ');

/** Runs one subcommand; returns the process exit code. */
export async function deadLettersCommand(
  client: RestClient,
  argv: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  const [command, ...rest] = argv;
  const args = parseArgs(rest);
  if (command === 'list') {
    if (args.ids.length > 0 || args.all) throw new RestError(0, usage);
    const letters = await listAll(client, args);
    out(['id', 'created_at', 'origin', 'consumer_group', 'reason/attempts', 'error'].join('\t'));
    for (const d of letters) out(line(d));
    out(`${letters.length} dead letter(s)`);
    return 0;
  }
  if (command !== 'replay' && command !== 'delete') throw new RestError(0, usage);
  // Either ids or --all (with its filters), never both: a typo must not act on everything.
  if (args.all === args.ids.length > 0) throw new RestError(0, usage);
  const ids = args.all ? (await listAll(client, args)).map((d) => d.id) : args.ids;
  let failed = 0;
  for (const id of ids) {
    const path =
      command === 'replay'
        ? `/dead_letters/${encodeURIComponent(id)}/replay`
        : `/dead_letters/${encodeURIComponent(id)}`;
    try {
      await client.request(command === 'replay' ? 'POST' : 'DELETE', path);
      out(`${command === 'replay' ? 'replayed' : 'deleted'} ${id}`);
    } catch (err) {
      failed++;
      out(`failed ${id}: ${(err as Error).message}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

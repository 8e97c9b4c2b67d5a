import { deadLettersCommand, usage as deadLettersUsage } from './cli/dead-letters';
import { RestError, restClient } from './cli/rest-client';

// `pnpm klaxon <command>`: operator commands against a running Klaxon's REST API (KLAXON_URL,
// KLAXON_API_TOKEN). Exit 0 on success, 1 when the API refused something, 2 on a usage error.

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    if (command === 'dead-letters') return await deadLettersCommand(restClient(process.env), rest, out);
    process.stderr.write(`${deadLettersUsage}\n`);
    return 2;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return err instanceof RestError && err.status === 0 ? 2 : 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));

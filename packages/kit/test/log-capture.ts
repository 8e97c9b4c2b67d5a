import type { DestinationStream } from 'pino';

/** A pino destination that keeps what was written, for tests that read the log. */
export function capture(): { stream: DestinationStream; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  return {
    stream: { write: (chunk: string) => void chunks.push(chunk) },
    text: () => chunks.join(''),
    lines: () => chunks.map((c) => JSON.parse(c) as Record<string, unknown>),
  };
}

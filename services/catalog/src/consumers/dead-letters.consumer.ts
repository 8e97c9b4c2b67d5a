import { type BusMessage, type DeadLetter, type Outcome, parseDeadLetter } from '@klaxon/bus';

/**
 * Keeps what arrives on the dead-letter topics, a partition's batch in one statement. A message
 * without the dead-letter headers (not copied there by Klaxon's bus) is dropped with a warning.
 */
export function deadLettersConsumer(deps: {
  keep: (letters: DeadLetter[]) => Promise<void>;
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}) {
  return async (batch: readonly BusMessage[]): Promise<Outcome[]> => {
    const letters = batch.map(parseDeadLetter);
    for (const [i, raw] of batch.entries()) {
      const where = { topic: raw.topic, partition: raw.partition, offset: raw.offset };
      const letter = letters[i];
      if (!letter) deps.log.warn(where, 'dead_letter_unreadable');
      // Names and positions only: the message itself is user data.
      else deps.log.info({ ...where, origin: letter.origin, group: letter.group }, 'dead_letter_kept');
    }
    await deps.keep(letters.filter((l): l is DeadLetter => l !== undefined));
    return letters.map((l) => (l ? 'ok' : 'drop'));
  };
}

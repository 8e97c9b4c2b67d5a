import { randomBytes, randomInt, randomUUID } from 'node:crypto';

// PagerDuty object ids look like "PXPGF42": a leading P and six upper-case letters or digits.
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A PagerDuty-shaped object id; 36^6 (2 billion) values, checked for uniqueness by the table's key. */
export function newObjectId(): string {
  let id = 'P';
  for (let i = 0; i < 6; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** A random 32-character lower-case hex secret: integration keys, API tokens. */
export function newSecret32(): string {
  return randomBytes(16).toString('hex');
}

/**
 * A unique id for a bus message or change, sortable by creation time (ms timestamp + 64 random bits).
 * The randomness comes from randomUUID, which draws on a cached entropy pool: this runs once per
 * accepted event, and randomBytes would be a system call each time.
 */
export function newMessageId(now: Date = new Date()): string {
  const uuid = randomUUID();
  return `${now.getTime().toString(36).padStart(9, '0')}${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(15, 18)}${uuid.slice(19, 20)}`;
}

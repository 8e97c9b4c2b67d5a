import { randomBytes, randomInt, randomUUID } from 'node:crypto';

// PagerDuty object ids look like "PXPGF42": a leading P and six upper-case letters or digits.
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomId(prefix: string, length: number): string {
  let id = prefix;
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/**
 * A PagerDuty-shaped id for what people make through the REST API (services, users, policies...):
 * 36^6 (2 billion) values, checked for uniqueness by the table's key. Too few for records made per
 * event: see newRecordId.
 */
export function newObjectId(): string {
  return randomId('P', 6);
}

/**
 * The id of a record made per event or action, whose count has no bound: incidents, alerts, log
 * entries, notes, audit records. PagerDuty's own incident ids have this shape ("Q02JTSNZWHSEKV"):
 * 36^13 values. With newObjectId's 2 billion, a table of 200,000 log entries made a new one collide
 * once in 10,000, and an alert storm's batch of 1,000 entries failed whole one time in ten.
 */
export function newRecordId(): string {
  return randomId('Q', 13);
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

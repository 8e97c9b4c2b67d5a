/**
 * Alert text to tokens. Monitoring text is templated: the same failure reads "disk 93% full on
 * db-07" today and "disk 95% full on db-12" tomorrow. Volatile parts are replaced by placeholders
 * BEFORE any statistics, so the template is what the model learns, not the host number:
 * uuids -> <uuid>, host names (db-04, checkout-web-07.prod.internal, ip-10-1-2-3.ec2.internal)
 * -> <host> (they say where, not what: one host takes part in unrelated outages, one outage spans
 * many hosts), IPv4 (with port) -> <ip>,
 * durations (350ms, 3m12s, 1h5m) -> <dur>, Kubernetes pod suffixes (api-7d9f8b6c5-x2kqp -> api <pod>),
 * long hex / mixed ids -> <id>, numbers -> <n>, and a name glued to a number ("web07") keeps its
 * letters ("web<n>"). The words that name the thing (orders-pg, shippo, /var/lib/postgresql) stay.
 * A tiny suffix stripper folds plurals and verb forms (errors/error, exceeded/exceeds/exceed), which
 * is most of what separates paraphrases from monitoring tools; synonyms proper are learned from
 * responders (see feedback.ts).
 */

const STOPWORDS = new Set(
  'a an the on of for in is are was were be been to at and or from with by has have had it its this that than as into over via'.split(
    ' ',
  ),
);

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g;
/** A host name: dashed words ending in an index (db-04, checkout-web-07.prod), or a cloud ip-10-1-2-3. */
const HOST = /\b(?:ip(?:-\d{1,3}){4}|[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*-\d{1,3})(?:\.[a-z][a-z0-9-]*)*\b/g;
/** A replica-set pod name's two generated suffixes (deployment-<hash>-<5 chars>). */
const POD = /-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g;
const DURATION = /\b\d+(?:\.\d+)?(?:ms|[hms])(?:\d+(?:ms|[hms]))*\b/g;
const HEX = /\b(?:0x)?(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/g;

export const PLACEHOLDERS = new Set(['<uuid>', '<ip>', '<host>', '<id>', '<n>', '<dur>', '<pod>']);
const MASKS = new Map([
  ['zzuuidzz', '<uuid>'],
  ['zzipzz', '<ip>'],
  ['zzhostzz', '<host>'],
  ['zzidzz', '<id>'],
  ['zzdurzz', '<dur>'],
  ['zzpodzz', '<pod>'],
]);

function stem(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4 && !word.endsWith('ss')) {
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}

function normalizeWord(word: string): string | undefined {
  if (/^\d+$/.test(word)) return '<n>';
  const glued = /^([a-z]+)\d+$/.exec(word);
  if (glued?.[1]) return `${glued[1]}<n>`;
  const unit = /^\d+(?:[a-z]{1,3})$/.exec(word);
  if (unit) return `<n>${word.replace(/^\d+/, '')}`;
  // Anything else mixing digits and letters is an id of some sort.
  if (/\d/.test(word)) return word.length >= 5 ? '<id>' : word.replace(/\d+/g, '<n>');
  if (STOPWORDS.has(word) || word.length < 2) return undefined;
  return stem(word);
}

function mask(text: string): string {
  return text
    .toLowerCase()
    .replace(UUID, ' zzuuidzz ')
    .replace(HOST, ' zzhostzz ')
    .replace(IPV4, ' zzipzz ')
    .replace(POD, ' zzpodzz ')
    .replace(DURATION, ' zzdurzz ')
    .replace(HEX, ' zzidzz ');
}

/** Lowercased, normalized word tokens, in text order. */
export const tokenize = (text: string): string[] => wordsOf(mask(text));

function wordsOf(masked: string): string[] {
  const out: string[] = [];
  for (const raw of masked.split(/[^a-z0-9]+/)) {
    if (!raw) continue;
    const word = MASKS.get(raw) ?? normalizeWord(raw);
    if (word) out.push(word);
  }
  return out;
}

const COMPOUND = /[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+/g;

/**
 * The dotted and dashed names in the text, whole: "orders-pg", "search.orders.v2", "events-sync".
 * The words alone are shared by every name of the service ("orders", "pg"); the whole name is what
 * one outage keeps repeating. Host names are already masked. Digits are folded to #, so versions and sizes stay one token.
 */
export const names = (text: string): string[] => namesOf(mask(text));

function namesOf(masked: string): string[] {
  const out = new Set<string>();
  for (const m of masked.matchAll(COMPOUND)) {
    const name = m[0].replace(/\.+$/, '');
    if (/[-.]/.test(name)) out.add(name.replace(/\d+/g, '#'));
  }
  return [...out];
}

/** Both of the above, masking the text once (masking is most of the cost of reading an alert). */
export function analyze(text: string): { words: string[]; names: string[] } {
  const masked = mask(text);
  return { words: wordsOf(masked), names: namesOf(masked) };
}

/**
 * Alert text to tokens. Monitoring text is templated: the same failure reads "disk 93% full on
 * db-07" today and "disk 95% full on db-12" tomorrow. Volatile parts are replaced by placeholders
 * BEFORE any statistics, so the template is what the model learns, not the host number:
 * uuids -> <uuid>, IPv4 (with port) -> <ip>, long hex / mixed ids -> <id>, numbers -> <n>, and a
 * name glued to a number ("web07", "i-0abc") keeps its letters ("web<n>").
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
const HEX = /\b(?:0x)?(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/g;

export const PLACEHOLDERS = new Set(['<uuid>', '<ip>', '<id>', '<n>']);

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

/** Lowercased, normalized word tokens, in text order (order matters to the bigrams). */
export function tokenize(text: string): string[] {
  const masked = text.toLowerCase().replace(UUID, ' zzuuidzz ').replace(IPV4, ' zzipzz ').replace(HEX, ' zzidzz ');
  const out: string[] = [];
  for (const raw of masked.split(/[^a-z0-9]+/)) {
    if (!raw) continue;
    if (raw === 'zzuuidzz') out.push('<uuid>');
    else if (raw === 'zzipzz') out.push('<ip>');
    else if (raw === 'zzidzz') out.push('<id>');
    else {
      const word = normalizeWord(raw);
      if (word) out.push(word);
    }
  }
  return out;
}

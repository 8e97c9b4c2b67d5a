/**
 * An alert as a sparse tf-idf vector over the service's own vocabulary.
 *
 * Why tf-idf over normalized word tokens (and not MinHash or character n-grams): alert text is
 * short and templated, so after placeholder normalization two alerts of the same template share
 * almost all tokens and the question is which shared tokens MEAN something on this service. idf,
 * counted per service, answers exactly that ("prod" or the service name on every alert weighs
 * nothing; "orders-pg" or "replication" weighs a lot), updates with one counter per token per
 * alert, and gives named features that responder feedback can attach affinities to.
 *
 * Features: summary words (placeholders alone carry nothing) and adjacent bigrams (half weight:
 * "disk full" is not "disk latency"); each other chosen field's words prefixed by the field name;
 * and, when present and not chosen, component, class and group as whole values at CATEGORY_WEIGHT
 * (what the monitor says it watches). Source is left out unless chosen: the same host takes part in
 * unrelated outages, and one outage is reported by many hosts.
 */
import { type AlertContent, fieldValue } from '../alert-content';
import { count, type IntelligentModelState } from './model-state';
import { names, PLACEHOLDERS, tokenize } from './tokenize';

/** What an alert says, before any statistics: a pure function of its content, so it is memoized. */
export interface AlertFeatures {
  counts: ReadonlyMap<string, number>;
  /** The same as [feature, sublinear tf] pairs, for the scoring loop. */
  terms: readonly (readonly [string, number])[];
  /** The features as interned ids (see featureId) and their sublinear tf, for the hot loop. */
  ids: Int32Array;
  tfs: Float64Array;
  /** Summary words that can carry a learned affinity. */
  words: readonly string[];
  /** The alert's template: its feature names (normalized words, field values) as a set, hashed. */
  signature: string;
  /** `component|class` when the alert carries both: which check of which monitor fired. */
  check?: string;
}

export interface AlertVector {
  weights: Map<string, number>;
  norm: number;
  /** The heaviest summary words: where learned affinities apply. */
  keys: string[];
  signature: string;
  check?: string;
}

const BIGRAM_WEIGHT = 0.5;
const CATEGORY_WEIGHT = 1;
const CATEGORIES = ['component', 'class', 'group'];
const NAME_WEIGHT = 1;
const KEY_TOKENS = 6;

/** FNV-1a, 32 bits: a short stable id for a template; collisions only blur two templates' evidence. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function extract(alert: AlertContent, fields: readonly string[]): AlertFeatures {
  const counts = new Map<string, number>();
  const add = (f: string, w: number) => counts.set(f, (counts.get(f) ?? 0) + w);
  const summary = tokenize(alert.summary);
  const words = new Set<string>();
  summary.forEach((t, i) => {
    const next = summary[i + 1];
    if (!PLACEHOLDERS.has(t)) {
      add(t, 1);
      words.add(t);
    }
    if (next !== undefined && !(PLACEHOLDERS.has(t) && PLACEHOLDERS.has(next))) add(`${t}_${next}`, BIGRAM_WEIGHT);
  });
  for (const name of names(alert.summary)) add(`~${name}`, NAME_WEIGHT);
  for (const field of fields) {
    if (field === 'summary') continue;
    const value = fieldValue(alert, field);
    if (value !== undefined) for (const t of tokenize(value)) add(`${field}:${t}`, 1);
  }
  for (const field of CATEGORIES) {
    const value = fields.includes(field) ? undefined : fieldValue(alert, field);
    if (value !== undefined) add(`${field}=${value.toLowerCase()}`, CATEGORY_WEIGHT);
  }
  const component = fieldValue(alert, 'component');
  const cls = fieldValue(alert, 'class');
  const terms = [...counts].map(([f, tf]) => [f, sublinear(tf)] as const);
  return {
    counts,
    terms,
    ids: Int32Array.from(terms, ([f]) => featureId(f)),
    tfs: Float64Array.from(terms, ([, tf]) => tf),
    words: [...words],
    signature: fnv1a([...counts.keys()].sort().join(' ')),
    ...(component !== undefined && cls !== undefined ? { check: `${component}|${cls}` } : {}),
  };
}

/**
 * Feature names interned as small integers: scoring an alert against hundreds of incidents reads
 * thousands of features, and indexing an array costs a tenth of hashing a string. Names are only
 * ever added (the memo below is what forgets), and the table is dropped with the memo when it grows
 * past MAX_FEATURE_IDS, so it stays bounded.
 */
const ids = new Map<string, number>();
const idNames: string[] = [];
const MAX_FEATURE_IDS = 1_000_000;

export function featureId(name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    id = idNames.length;
    ids.set(name, id);
    idNames.push(name);
  }
  return id;
}

export const featureName = (id: number): string => idNames[id] ?? '';
export const featureCount = () => idNames.length;

/**
 * Memo of `extract`, the costly part of scoring (regexes over text): an incident's alerts are
 * compared with every new alert of the service, so each alert text is tokenized once, not once per
 * event. Keyed by object (the replay and repeated calls) and by text (rows read again from the
 * database are new objects with the same text). Bounded; losing it costs only time.
 */
const byObject = new WeakMap<AlertContent, { key: string; epoch: number; features: AlertFeatures }>();
/** Bumped when the id table is dropped: features memoized before then are stale. */
let epoch = 0;
const byText = new Map<string, AlertFeatures>();
/** One object per template, so a decision can tell templates apart by identity. */
const bySignature = new Map<string, AlertFeatures>();
const MEMO_SIZE = 50_000;

export function features(alert: AlertContent, fields: readonly string[], fieldsKey = fields.join(',')): AlertFeatures {
  const hit = byObject.get(alert);
  if (hit?.key === fieldsKey && hit.epoch === epoch) return hit.features;
  const textKey = [fieldsKey, alert.summary, alert.component, alert.class, alert.group]
    .concat(fields.filter((f) => !['summary', ...CATEGORIES].includes(f)).map((f) => fieldValue(alert, f)))
    .join('\u0000');
  let found = byText.get(textKey);
  if (!found) {
    if (byText.size >= MEMO_SIZE) byText.clear();
    if (bySignature.size >= MEMO_SIZE) bySignature.clear();
    if (idNames.length >= MAX_FEATURE_IDS) {
      ids.clear();
      idNames.length = 0;
      byText.clear();
      bySignature.clear();
      epoch += 1;
    }
    const extracted = extract(alert, fields);
    // Same signature = same features, up to a repeated word's count: the first one stands for all.
    const templateKey = `${fieldsKey}\u0000${extracted.signature}\u0000${extracted.check ?? ''}`;
    found = bySignature.get(templateKey) ?? extracted;
    bySignature.set(templateKey, found);
    byText.set(textKey, found);
  }
  byObject.set(alert, { key: fieldsKey, epoch, features: found });
  return found;
}

/** Sublinear tf: a word repeated in one summary is not twice the evidence. */
export const sublinear = (tf: number) => (tf >= 1 ? 1 + Math.log(tf) : tf);

export function idf(state: IntelligentModelState, feature: string): number {
  return Math.log((state.alerts + 1) / (count(state.df, feature) + 1)) + 1;
}

export function signature(alert: AlertContent): string {
  return features(alert, ['summary']).signature;
}

export function vectorize(
  state: IntelligentModelState,
  alert: AlertContent | AlertFeatures,
  fields: readonly string[],
): AlertVector {
  const f = 'counts' in alert ? alert : features(alert, fields);
  const weights = new Map<string, number>();
  let sq = 0;
  for (const [feature, tf] of f.terms) {
    const w = tf * idf(state, feature);
    weights.set(feature, w);
    sq += w * w;
  }
  const keys = [...f.words].sort((a, b) => (weights.get(b) ?? 0) - (weights.get(a) ?? 0)).slice(0, KEY_TOKENS);
  return { weights, norm: Math.sqrt(sq), keys, signature: f.signature, ...(f.check ? { check: f.check } : {}) };
}

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
 * Features: summary words (placeholders alone carry nothing) and whole dashed or dotted names;
 * each other chosen field's words prefixed by the field name; and, when present and not chosen,
 * component, class and group as whole values at CATEGORY_WEIGHT (what the monitor says it watches).
 * No word bigrams: measured on the train half they only added unshared noise (two wordings of one
 * trouble share words, rarely word pairs), and they doubled the features each decision reads. Source is left out unless chosen: the same host takes part in
 * unrelated outages, and one outage is reported by many hosts.
 */
import { type AlertContent, fieldValue } from '../alert-content';
import {
  type AlertFeatures,
  cachedFeatures,
  cacheOf,
  featureId,
  incidentTemplates,
  type ModelCache,
} from './model-cache';
import type { IntelligentModelState } from './model-state';
import { analyze, PLACEHOLDERS, tokenize } from './tokenize';

export type { AlertFeatures } from './model-cache';

export interface AlertVector {
  weights: Map<string, number>;
  norm: number;
  /** The heaviest summary words: where learned affinities apply. */
  keys: string[];
  signature: string;
  check?: string;
}

const CATEGORY_WEIGHT = 1;
const CATEGORIES = ['component', 'class', 'group'];
/**
 * A whole dashed or dotted name (orders-pg, checkout.orders.v2) is what one outage keeps repeating
 * across its monitors' wordings, so it outweighs a word (chosen on the train half).
 */
const NAME_WEIGHT = 3;
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

function extract(alert: AlertContent, fields: readonly string[], cache: ModelCache): AlertFeatures {
  const counts = new Map<string, number>();
  const add = (f: string, w: number) => counts.set(f, (counts.get(f) ?? 0) + w);
  const { words: summary, names: summaryNames } = analyze(alert.summary);
  const words = new Set<string>();
  for (const t of summary) {
    if (PLACEHOLDERS.has(t)) continue;
    add(t, 1);
    words.add(t);
  }
  for (const name of summaryNames) add(`~${name}`, NAME_WEIGHT);
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
    ids: Int32Array.from(terms, ([f]) => featureId(cache, f)),
    tfs: Float64Array.from(terms, ([, tf]) => tf),
    words: [...words],
    signature: fnv1a([...counts.keys()].sort().join(' ')),
    ...(component !== undefined && cls !== undefined ? { check: `${component}|${cls}` } : {}),
    scoredBy: 0,
    score: 0,
  };
}

/** The alert's features, memoized in the model's cache (see model-cache.ts). */
export function features(state: IntelligentModelState, alert: AlertContent, fields: readonly string[]): AlertFeatures {
  return featuresIn(cacheOf(state, fields), alert, fields);
}

/** The same, for a caller already holding the cache (the scoring loop). */
export const featuresIn = (cache: ModelCache, alert: AlertContent, fields: readonly string[]) =>
  cachedFeatures(cache, alert, fields, extract);

/** An open incident's distinct templates (see model-cache.ts). */
export const templatesOf = (
  cache: ModelCache,
  key: string,
  alerts: readonly AlertContent[],
  fields: readonly string[],
) => incidentTemplates(cache, key, alerts, fields, extract);

/** Sublinear tf: a word repeated in one summary is not twice the evidence. */
export const sublinear = (tf: number) => (tf >= 1 ? 1 + Math.log(tf) : tf);

/** Inverse document frequency on the service's history: rare features name the trouble. */
export const idf = (state: IntelligentModelState, cache: ModelCache, id: number) =>
  idfBase(state) - (cache.logDf[id] as number);

/** log(N + 1) + 1: idf = idfBase - log(df + 1). */
export const idfBase = (state: IntelligentModelState) => Math.log(state.alerts + 1) + 1;

export function vectorize(
  state: IntelligentModelState,
  alert: AlertContent | AlertFeatures,
  fields: readonly string[],
): AlertVector {
  const cache = cacheOf(state, fields);
  const f = 'counts' in alert ? alert : featuresIn(cache, alert, fields);
  const weights = new Map<string, number>();
  let sq = 0;
  for (const [k, [feature, tf]] of f.terms.entries()) {
    const w = tf * idf(state, cache, f.ids[k] as number);
    weights.set(feature, w);
    sq += w * w;
  }
  const keys = [...f.words].sort((a, b) => (weights.get(b) ?? 0) - (weights.get(a) ?? 0)).slice(0, KEY_TOKENS);
  return { weights, norm: Math.sqrt(sq), keys, signature: f.signature, ...(f.check ? { check: f.check } : {}) };
}

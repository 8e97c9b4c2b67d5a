/**
 * An alert as a sparse tf-idf vector over the service's own vocabulary.
 *
 * Why tf-idf over normalized word tokens (and not MinHash or character n-grams): alert text is
 * short and templated, so after placeholder normalization two alerts of the same template share
 * almost all tokens and the question is which shared tokens MEAN something on this service. idf,
 * counted per service, answers exactly that ("prod" or the service name on every alert weighs
 * nothing; "replication" weighs a lot), updates with one counter per token per alert, and gives
 * named features that responder feedback can attach affinities to. MinHash estimates plain Jaccard
 * (no weighting, no feedback hook); character n-grams mostly re-discover the stemming done in
 * tokenize.ts at ten times the vocabulary.
 *
 * Features: summary unigrams and adjacent bigrams (bigrams at half weight: "disk full" is not
 * "disk latency"), plus each other chosen field's tokens prefixed by the field name. Source and
 * component always contribute, lightly, when not chosen: they say where, not what.
 */
import { type AlertContent, fieldValue } from '../alert-content';
import { count, type IntelligentModelState } from './model-state';
import { PLACEHOLDERS, tokenize } from './tokenize';

export interface AlertVector {
  weights: Map<string, number>;
  norm: number;
  /** The heaviest summary words: where learned affinities apply. */
  keys: string[];
  /** The alert's template: its normalized summary words as a set, hashed. */
  signature: string;
}

const BIGRAM_WEIGHT = 0.5;
const CONTEXT_WEIGHT = 0.35;
const KEY_TOKENS = 6;

/** Raw feature counts (times the field weight), before idf. */
export function features(alert: AlertContent, fields: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (f: string, w: number) => out.set(f, (out.get(f) ?? 0) + w);
  const summary = tokenize(alert.summary);
  summary.forEach((t, i) => {
    add(t, 1);
    const next = summary[i + 1];
    if (next !== undefined) add(`${t}_${next}`, BIGRAM_WEIGHT);
  });
  const extra = new Set([...fields.filter((f) => f !== 'summary'), 'source', 'component']);
  for (const field of extra) {
    const value = fieldValue(alert, field);
    if (value === undefined) continue;
    const weight = fields.includes(field) ? 1 : CONTEXT_WEIGHT;
    for (const t of tokenize(value)) add(`${field}:${t}`, weight);
  }
  return out;
}

export function idf(state: IntelligentModelState, feature: string): number {
  return Math.log((state.alerts + 1) / (count(state.df, feature) + 1)) + 1;
}

/** FNV-1a, 32 bits: a short stable id for a template; collisions only blur two templates' evidence. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function signature(alert: AlertContent): string {
  return fnv1a([...new Set(tokenize(alert.summary))].sort().join(' '));
}

export function vectorize(state: IntelligentModelState, alert: AlertContent, fields: readonly string[]): AlertVector {
  const weights = new Map<string, number>();
  let sq = 0;
  for (const [f, tf] of features(alert, fields)) {
    // Sublinear tf: a word repeated in one summary is not twice the evidence.
    const w = (tf >= 1 ? 1 + Math.log(tf) : tf) * idf(state, f);
    weights.set(f, w);
    sq += w * w;
  }
  const keys = [...weights]
    .filter(([f]) => !f.includes(':') && !f.includes('_') && !PLACEHOLDERS.has(f))
    .sort((a, b) => b[1] - a[1])
    .slice(0, KEY_TOKENS)
    .map(([f]) => f);
  return { weights, norm: Math.sqrt(sq), keys, signature: signature(alert) };
}

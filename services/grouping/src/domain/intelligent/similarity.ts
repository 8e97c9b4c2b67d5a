/**
 * Similarity of a new alert to an incident: the best similarity to any of the incident's recent
 * alerts (an alert belongs with an incident when it looks like some alert already in it; storms
 * grow by resemblance to their latest members).
 *
 * Alert to alert: a soft cosine. Plain tf-idf cosine, plus for each pair of distinct key words
 * (i in x, j in y) the learned affinity A(i,j) * x_i * y_j, over the same norms — so words that
 * responders taught belong together count as partly shared. Where responders taught nothing, the
 * affinity comes from co-occurrence: association = together / min(df_i, df_j) once they fired
 * together at least MIN_COOCCURRENCE times, scaled by COOCCURRENCE_WEIGHT (a learned merge or split
 * always wins over it). Then template evidence from merges
 * and splits moves the result: positive evidence e pulls it towards 1 by (1 - exp(-0.7e)) of the
 * gap, negative evidence shrinks it by exp(0.7e). Clamped to [0, 1].
 */
import type { AlertContent } from '../alert-content';
import { count, type IntelligentModelState, pairKey } from './model-state';
import { type AlertVector, vectorize } from './vectorize';

/** How many of an incident's latest alerts are compared: enough for storms, bounded cost. */
export const RECENT_ALERTS = 20;
const EVIDENCE_RATE = 0.7;
const MIN_COOCCURRENCE = 2;
const COOCCURRENCE_WEIGHT = 0.6;

export function affinity(state: IntelligentModelState, i: string, j: string): number {
  const key = pairKey(i, j);
  if (Object.hasOwn(state.affinity, key)) return count(state.affinity, key);
  const together = count(state.cooccurrence, key);
  if (together < MIN_COOCCURRENCE) return 0;
  const alone = Math.min(count(state.df, i), count(state.df, j));
  return alone > 0 ? COOCCURRENCE_WEIGHT * Math.min(1, together / alone) : 0;
}

export function alertSimilarity(state: IntelligentModelState, x: AlertVector, y: AlertVector): number {
  if (x.norm === 0 || y.norm === 0) return 0;
  const [small, large] = x.weights.size <= y.weights.size ? [x, y] : [y, x];
  let dot = 0;
  for (const [f, w] of small.weights) dot += w * (large.weights.get(f) ?? 0);
  for (const i of x.keys) {
    for (const j of y.keys) {
      if (i === j) continue;
      const a = affinity(state, i, j);
      if (a !== 0) dot += a * (x.weights.get(i) ?? 0) * (y.weights.get(j) ?? 0);
    }
  }
  let s = Math.min(1, Math.max(0, dot / (x.norm * y.norm)));
  if (x.signature !== y.signature) {
    const e = count(state.evidence, pairKey(x.signature, y.signature));
    if (e > 0) s += (1 - s) * (1 - Math.exp(-EVIDENCE_RATE * e));
    else if (e < 0) s *= Math.exp(EVIDENCE_RATE * e);
  }
  return s;
}

export function incidentSimilarity(
  state: IntelligentModelState,
  alert: AlertContent | AlertVector,
  incidentAlerts: readonly AlertContent[],
  fields: readonly string[],
): number {
  const x = 'weights' in alert ? alert : vectorize(state, alert, fields);
  let best = 0;
  for (const other of incidentAlerts.slice(-RECENT_ALERTS)) {
    best = Math.max(best, alertSimilarity(state, x, vectorize(state, other, fields)));
    if (best >= 1) break;
  }
  return best;
}

/**
 * Similarity of a new alert to an open incident: the best similarity to any of the incident's
 * alerts — all of them, as distinct templates, not only the latest (an outage's first alert names
 * it; the storm that follows only repeats it).
 *
 * Alert to alert: a soft cosine over tf-idf vectors, at least SAME_CHECK when both come from the
 * same check (component and class). Plain cosine, plus for each pair of distinct
 * words (i in x, j in y) the learned affinity A(i,j) * x_i * y_j, over the same norms — so words
 * that responders taught belong together count as partly shared. Then template evidence from merges
 * and splits moves the result: positive evidence e pulls it towards 1 by (1 - exp(-0.7e)) of the
 * gap, negative evidence shrinks it by exp(2.5e). Clamped to [0, 1].
 *
 * Cost: a scorer is made once per new alert; it looks up the alert's learned ties once, then scores
 * each distinct template of the candidates once (templates repeat across incidents and within
 * storms), with a feature lookup per template word. Tokenizing is memoized (vectorize.ts).
 */
import type { AlertContent } from '../alert-content';
import { count, type IntelligentModelState, partners } from './model-state';
import { type AlertFeatures, features, idf, vectorize } from './vectorize';

const EVIDENCE_RATE = 0.7;
/** A split is a responder saying "not these": one shrinks the similarity below any threshold. */
const SPLIT_RATE = 2.5;
/** Floor of the similarity of two alerts of the same component and class. */
const SAME_CHECK = 0.3;

export type IncidentScorer = (incidentAlerts: readonly AlertContent[]) => number;

export function createScorer(
  state: IntelligentModelState,
  alert: AlertContent,
  fields: readonly string[],
): IncidentScorer {
  const x = vectorize(state, alert, fields);
  // Words responders tied to this alert's key words, with the weight they bring: sum_i A(i,j) x_i.
  const related = new Map<string, number>();
  for (const i of x.keys) {
    const row = partners(state.affinity, i);
    if (!row) continue;
    const xi = x.weights.get(i) ?? 0;
    for (const [j, a] of Object.entries(row)) related.set(j, (related.get(j) ?? 0) + a * xi);
  }
  const evidence = partners(state.evidence, x.signature);
  const byTemplate = new Map<AlertFeatures, number>();
  // Within one decision the model does not change: each feature's idf is computed once.
  const idfs = new Map<string, number>();
  const fieldsKey = fields.join(',');

  const score = (y: AlertFeatures): number => {
    if (x.norm === 0) return 0;
    let dot = 0;
    let sq = 0;
    for (const [f, tf] of y.terms) {
      let i = idfs.get(f);
      if (i === undefined) {
        i = idf(state, f);
        idfs.set(f, i);
      }
      const w = tf * i;
      sq += w * w;
      const xw = x.weights.get(f);
      if (xw !== undefined) dot += w * xw;
      if (related.size > 0) dot += w * (related.get(f) ?? 0);
    }
    if (sq === 0) return 0;
    let s = Math.min(1, Math.max(0, dot / (x.norm * Math.sqrt(sq))));
    // The same check of the same monitor (component and class) firing again, on any host and in
    // any wording, is the same trouble unless responders said otherwise.
    if (x.check !== undefined && x.check === y.check) s = Math.max(s, SAME_CHECK);
    const e = evidence && y.signature !== x.signature ? count(evidence, y.signature) : 0;
    if (e > 0) s += (1 - s) * (1 - Math.exp(-EVIDENCE_RATE * e));
    else if (e < 0) s *= Math.exp(SPLIT_RATE * e);
    return s;
  };

  return (incidentAlerts) => {
    let best = 0;
    let previous: AlertFeatures | undefined;
    for (const other of incidentAlerts) {
      const y = features(other, fields, fieldsKey);
      // Storms repeat one template: consecutive alerts often share it.
      if (y === previous) continue;
      previous = y;
      let s = byTemplate.get(y);
      if (s === undefined) {
        s = score(y);
        byTemplate.set(y, s);
      }
      if (s > best) best = s;
      if (best >= 1) break;
    }
    return best;
  };
}

export function incidentSimilarity(
  state: IntelligentModelState,
  alert: AlertContent,
  incidentAlerts: readonly AlertContent[],
  fields: readonly string[],
): number {
  return createScorer(state, alert, fields)(incidentAlerts);
}

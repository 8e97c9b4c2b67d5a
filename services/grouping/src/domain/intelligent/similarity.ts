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
import { type AlertFeatures, featureCount, featureId, featureName, features, idf, vectorize } from './vectorize';

const EVIDENCE_RATE = 0.7;
/** A split is a responder saying "not these": one shrinks the similarity below any threshold. */
const SPLIT_RATE = 2.5;
/** Floor of the similarity of two alerts of the same component and class. */
const SAME_CHECK = 0.3;

export type IncidentScorer = (incidentAlerts: readonly AlertContent[]) => number;

/**
 * Scratch slots indexed by feature id, reused by every decision (one runs at a time): a slot belongs
 * to the current scorer when its stamp is the scorer's generation, so nothing is cleared between
 * decisions. `query`: the new alert's weight of that feature plus what learned affinities add;
 * `weight`: the feature's idf on this service, computed once per decision.
 */
const scratch = { stamp: new Int32Array(1024), query: new Float64Array(1024), weight: new Float64Array(1024) };
let generation = 0;

function ensureScratch(n: number) {
  if (scratch.stamp.length >= n) return;
  const size = Math.max(n, scratch.stamp.length * 2);
  const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => {
    b.set(a);
    return b;
  };
  scratch.stamp = grow(scratch.stamp, new Int32Array(size));
  scratch.query = grow(scratch.query, new Float64Array(size));
  scratch.weight = grow(scratch.weight, new Float64Array(size));
}

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
  const query = [...x.weights].map(([f, w]) => [featureId(f), w] as const);
  for (const [j, a] of related) query.push([featureId(j), a]);
  const evidence = partners(state.evidence, x.signature);
  const byTemplate = new Map<AlertFeatures, number>();
  const fieldsKey = fields.join(',');
  let mine = -1;

  /** Claims the scratch for this scorer (again, if another scorer ran in between). */
  const claim = () => {
    generation = (generation + 1) | 0;
    if (generation === 0) {
      scratch.stamp.fill(0);
      generation = 1;
    }
    mine = generation;
    ensureScratch(featureCount());
    for (const [id, w] of query) {
      if (scratch.stamp[id] !== mine) {
        scratch.stamp[id] = mine;
        scratch.query[id] = 0;
        scratch.weight[id] = idf(state, featureName(id));
      }
      scratch.query[id] = (scratch.query[id] ?? 0) + w;
    }
  };

  const score = (y: AlertFeatures): number => {
    if (x.norm === 0) return 0;
    ensureScratch(featureCount());
    const { stamp, query: q, weight } = scratch;
    let dot = 0;
    let sq = 0;
    for (let k = 0; k < y.ids.length; k++) {
      const id = y.ids[k] as number;
      if (stamp[id] !== mine) {
        stamp[id] = mine;
        q[id] = 0;
        weight[id] = idf(state, featureName(id));
      }
      const w = (y.tfs[k] as number) * (weight[id] as number);
      sq += w * w;
      dot += w * (q[id] as number);
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
    if (mine !== generation) claim();
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

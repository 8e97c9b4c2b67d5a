/**
 * Similarity of a new alert to an open incident: the best similarity to any of the incident's
 * alerts — all of them, as distinct templates, not only the latest (an outage's first alert names
 * it; the storm that follows only repeats it).
 *
 * Alert to alert: a soft cosine over tf-idf vectors, at least SAME_CHECK when both come from the
 * same check (component and class). Plain cosine, plus for each pair of distinct
 * words (i in x, j in y) the learned affinity A(i,j) * x_i * y_j, over the same norms — so words
 * that responders taught belong together count as partly shared. Then evidence from merges and
 * splits moves the result: the evidence between the two templates, or when there is none, half the
 * evidence between their two checks (component|class, which carries a lesson over to the checks'
 * other wordings and subjects); positive evidence e pulls it towards 1 by (1 - exp(-0.7e)) of the
 * gap, negative evidence shrinks it by exp(2.5e). Clamped to [0, 1].
 *
 * Cost: a scorer is made once per new alert; it looks up the alert's learned ties once, then scores
 * each distinct template of the candidates once (templates repeat across incidents and within
 * storms), with an array lookup per template word. Tokenizing is memoized (model-cache.ts).
 */
import type { AlertContent } from '../alert-content';
import { type AlertFeatures, cacheOf, featureId } from './model-cache';
import { count, type IntelligentModelState, partners } from './model-state';
import { featuresIn, idfBase, templatesOf, vectorize } from './vectorize';

const EVIDENCE_RATE = 0.7;
/** A split is a responder saying "not these": one shrinks the similarity below any threshold. */
const SPLIT_RATE = 2.5;
/** Floor of the similarity of two alerts of the same component and class. */
const SAME_CHECK = 0.3;
/** Check evidence counts half as much as evidence on the very templates. */
const CHECK_FACTOR = 0.5;

/** Evidence between two checks (component|class) is kept beside template evidence, marked apart. */
export const checkKey = (check: string) => `#${check}`;

/**
 * Scores one incident's alerts. With the incident's id, its distinct templates are kept in the
 * model's cache between decisions while its alerts are the same objects (see model-cache.ts).
 */
export type IncidentScorer = (incidentAlerts: readonly AlertContent[], incidentId?: string) => number;

export function createScorer(
  state: IntelligentModelState,
  alert: AlertContent,
  fields: readonly string[],
): IncidentScorer {
  const cache = cacheOf(state, fields);
  const x = vectorize(state, alert, fields);
  // Words responders tied to this alert's key words, with the weight they bring: sum_i A(i,j) x_i.
  const related = new Map<string, number>();
  for (const i of x.keys) {
    const row = partners(state.affinity, i);
    if (!row) continue;
    const xi = x.weights.get(i) ?? 0;
    for (const [j, a] of Object.entries(row)) related.set(j, (related.get(j) ?? 0) + a * xi);
  }
  const query = [...x.weights].map(([f, w]) => [featureId(cache, f), w] as const);
  for (const [j, a] of related) query.push([featureId(cache, j), a]);
  const evidence = partners(state.evidence, x.signature);
  const checkEvidence = x.check === undefined ? undefined : partners(state.evidence, checkKey(x.check));
  let mine = -1;
  let base = 0;

  /**
   * Claims the cache's scratch for this scorer (again, if another scorer ran in between): slots and
   * template scores stamped with another generation are stale, so nothing is cleared between
   * decisions. `query`: the new alert's weight of a feature plus what learned affinities add.
   */
  const claim = () => {
    cache.generation = (cache.generation + 1) | 0;
    if (cache.generation === 0) {
      cache.stamp.fill(0);
      for (const t of cache.templates.values()) t.scoredBy = 0;
      cache.generation = 1;
    }
    mine = cache.generation;
    base = idfBase(state);
    for (const [id, w] of query) {
      if (cache.stamp[id] !== mine) {
        cache.stamp[id] = mine;
        cache.query[id] = 0;
      }
      cache.query[id] = (cache.query[id] ?? 0) + w;
    }
  };

  const score = (y: AlertFeatures): number => {
    if (x.norm === 0) return 0;
    const { stamp, query: q, logDf } = cache;
    const { ids, tfs } = y;
    const b = base;
    const generation = mine;
    let dot = 0;
    let sq = 0;
    for (let k = 0, n = ids.length; k < n; k++) {
      const id = ids[k] as number;
      const w = (tfs[k] as number) * (b - (logDf[id] as number));
      sq += w * w;
      if (stamp[id] === generation) dot += w * (q[id] as number);
    }
    if (sq === 0) return 0;
    let s = Math.min(1, Math.max(0, dot / (x.norm * Math.sqrt(sq))));
    // The same check of the same monitor (component and class) firing again, on any host and in
    // any wording, is the same trouble unless responders said otherwise.
    if (x.check !== undefined && x.check === y.check) s = Math.max(s, SAME_CHECK);
    let e = evidence && y.signature !== x.signature ? count(evidence, y.signature) : 0;
    if (e === 0 && checkEvidence && y.check !== undefined && y.check !== x.check) {
      e = CHECK_FACTOR * count(checkEvidence, checkKey(y.check));
    }
    if (e > 0) s += (1 - s) * (1 - Math.exp(-EVIDENCE_RATE * e));
    else if (e < 0) s *= Math.exp(SPLIT_RATE * e);
    return s;
  };

  const scored = (y: AlertFeatures): number => {
    if (y.scoredBy !== mine) {
      y.score = score(y);
      y.scoredBy = mine;
    }
    return y.score;
  };

  return (incidentAlerts, incidentId) => {
    if (mine !== cache.generation) claim();
    let best = 0;
    if (incidentId !== undefined) {
      for (const y of templatesOf(cache, incidentId, incidentAlerts, fields)) {
        best = Math.max(best, scored(y));
        if (best >= 1) break;
      }
      return best;
    }
    let previous: AlertFeatures | undefined;
    for (const other of incidentAlerts) {
      const y = featuresIn(cache, other, fields);
      // Storms repeat one template: consecutive alerts often share it.
      if (y === previous) continue;
      previous = y;
      best = Math.max(best, scored(y));
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

/**
 * How the model learns, incrementally. These functions MUTATE the state they are given and return
 * it: the caller owns the per-service object (load, learn, persist), and copying a vocabulary on
 * every alert would make each update cost as much as the whole model.
 *
 * - observeAlert: every new alert adds one to the document frequency of its features (the idf),
 *   and, for the service's alerts of the last minutes the caller passes as `recent`, one to the
 *   co-occurrence of each pair of their key words. Failures repeat: words that keep firing together
 *   (cpu with query latency with connection pool) become partly shared, without any responder.
 * - learnMerge (a responder merged incident S into T): S's alerts belong with T's. For pairs of
 *   their distinct templates, template evidence +1 and the affinity of their non-shared key words
 *   moves towards 0.9; if the model scored them below its threshold, the threshold eases down a
 *   little (bounded), because the service's responders group more loosely than it did.
 * - learnSplit (a responder moved an alert out of an incident): the opposite — evidence -1,
 *   affinities towards -0.5, and the threshold rises a little if the model had joined them.
 */
import type { AlertContent } from '../alert-content';
import {
  count,
  type IntelligentModelState,
  MAX_LEARNED,
  MAX_THRESHOLD,
  MAX_VOCABULARY,
  MIN_THRESHOLD,
  pairKey,
  prune,
} from './model-state';
import { affinity, alertSimilarity } from './similarity';
import { type AlertVector, features, vectorize } from './vectorize';

const AFFINITY_RATE = 0.25;
const AFFINITY_MAX = 0.9;
const AFFINITY_MIN = -0.5;
const EVIDENCE_CAP = 5;
const THRESHOLD_RATE = 0.02;
/** Templates considered per side of a merge: a 500-alert storm teaches no more than 8 templates do. */
const REPRESENTATIVES = 8;

export function observeAlert(
  state: IntelligentModelState,
  alert: AlertContent,
  fields: readonly string[],
  recent: readonly AlertContent[] = [],
) {
  const x = vectorize(state, alert, fields);
  const pairs = new Set<string>();
  for (const y of representatives(state, recent, fields)) {
    for (const i of x.keys) for (const j of y.keys) if (i !== j) pairs.add(pairKey(i, j));
  }
  for (const key of pairs) state.cooccurrence[key] = count(state.cooccurrence, key) + 1;
  state.alerts += 1;
  for (const f of features(alert, fields).keys()) state.df[f] = count(state.df, f) + 1;
  if (Object.keys(state.df).length > MAX_VOCABULARY * 1.2) state.df = prune(state.df, MAX_VOCABULARY);
  if (Object.keys(state.cooccurrence).length > MAX_LEARNED * 1.2) {
    state.cooccurrence = prune(state.cooccurrence, MAX_LEARNED);
  }
  return state;
}

/** Distinct templates, latest first, as vectors. */
function representatives(state: IntelligentModelState, alerts: readonly AlertContent[], fields: readonly string[]) {
  const seen = new Map<string, AlertVector>();
  for (let i = alerts.length - 1; i >= 0 && seen.size < REPRESENTATIVES; i--) {
    const alert = alerts[i];
    if (!alert) continue;
    const v = vectorize(state, alert, fields);
    if (!seen.has(v.signature)) seen.set(v.signature, v);
  }
  return [...seen.values()];
}

function bestScore(state: IntelligentModelState, xs: AlertVector[], ys: AlertVector[]): number {
  let best = 0;
  for (const x of xs) for (const y of ys) best = Math.max(best, alertSimilarity(state, x, y));
  return best;
}

function teach(state: IntelligentModelState, x: AlertVector, y: AlertVector, together: boolean) {
  if (x.signature !== y.signature) {
    const key = pairKey(x.signature, y.signature);
    const e = count(state.evidence, key) + (together ? 1 : -1);
    state.evidence[key] = Math.max(-EVIDENCE_CAP, Math.min(EVIDENCE_CAP, e));
  }
  const yKeys = new Set(y.keys);
  const xKeys = new Set(x.keys);
  for (const i of x.keys) {
    if (yKeys.has(i)) continue;
    for (const j of y.keys) {
      if (xKeys.has(j)) continue;
      const key = pairKey(i, j);
      const a = affinity(state, i, j);
      state.affinity[key] = together ? a + AFFINITY_RATE * (AFFINITY_MAX - a) : a - AFFINITY_RATE * (a - AFFINITY_MIN);
    }
  }
}

function bound(state: IntelligentModelState) {
  state.threshold = Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, state.threshold));
  if (Object.keys(state.affinity).length > MAX_LEARNED * 1.2) state.affinity = prune(state.affinity, MAX_LEARNED);
  if (Object.keys(state.evidence).length > MAX_LEARNED * 1.2) state.evidence = prune(state.evidence, MAX_LEARNED);
}

/** A responder merged the incident holding `source` alerts into the one holding `target` alerts. */
export function learnMerge(
  state: IntelligentModelState,
  merge: { source: readonly AlertContent[]; target: readonly AlertContent[] },
  fields: readonly string[],
) {
  const xs = representatives(state, merge.source, fields);
  const ys = representatives(state, merge.target, fields);
  if (xs.length === 0 || ys.length === 0) return state;
  const before = bestScore(state, xs, ys);
  if (before < state.threshold) state.threshold -= THRESHOLD_RATE * (state.threshold - before);
  for (const x of xs) for (const y of ys) teach(state, x, y, true);
  state.merges += 1;
  bound(state);
  return state;
}

/** A responder moved `alert` out of the incident whose (remaining) alerts are `from`. */
export function learnSplit(
  state: IntelligentModelState,
  split: { alert: AlertContent; from: readonly AlertContent[] },
  fields: readonly string[],
) {
  const x = vectorize(state, split.alert, fields);
  const ys = representatives(state, split.from, fields);
  if (ys.length === 0) return state;
  const before = bestScore(state, [x], ys);
  if (before >= state.threshold) state.threshold += THRESHOLD_RATE * (before - state.threshold + 0.05);
  for (const y of ys) teach(state, x, y, false);
  state.splits += 1;
  bound(state);
  return state;
}

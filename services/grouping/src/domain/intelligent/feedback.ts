/**
 * How the model learns, incrementally. These functions MUTATE the state they are given and return
 * it: the caller owns the per-service object (load, learn, persist), and copying a vocabulary on
 * every alert would make each update cost as much as the whole model.
 *
 * - observeAlert: every new alert adds one to the document frequency of its features (the idf of
 *   the service's own history). Nothing is learned from alerts merely arriving together: on a
 *   service where unrelated outages overlap, co-occurrence ties them as often as it ties the parts
 *   of one outage.
 * - learnMerge (a responder merged incident S into T): S's alerts belong with T's. For pairs of
 *   their distinct templates, template evidence +1, evidence between their checks (component|class)
 *   +1, and the affinity of their non-shared key words
 *   moves towards 0.9; if the model scored them below its threshold, the service's threshold eases
 *   down a little (bounded): its responders group more loosely than the model did.
 * - learnSplit (a responder moved an alert out of an incident): the opposite — evidence -1,
 *   affinities towards -0.5, and the threshold rises a little if the model had joined them.
 */
import type { AlertContent } from '../alert-content';
import { cacheOf, countFeatures } from './model-cache';
import {
  type IntelligentModelState,
  MAX_LEARNED,
  MAX_THRESHOLD,
  MAX_VOCABULARY,
  MIN_THRESHOLD,
  pairCount,
  pairValue,
  prune,
  prunePairs,
  setPair,
} from './model-state';
import { checkKey, createScorer } from './similarity';
import { type AlertVector, features, featuresIn, vectorize } from './vectorize';

const AFFINITY_RATE = 0.1;
const AFFINITY_MAX = 0.9;
const AFFINITY_MIN = -0.5;
const EVIDENCE_CAP = 5;
const THRESHOLD_RATE = 0.05;
/** Templates considered per side of a merge: a 500-alert storm teaches no more than 8 templates do. */
const REPRESENTATIVES = 8;

export function observeAlert(state: IntelligentModelState, alert: AlertContent, fields: readonly string[]) {
  const cache = cacheOf(state, fields);
  state.alerts += 1;
  if (countFeatures(cache, state, featuresIn(cache, alert, fields)) > MAX_VOCABULARY * 1.2) {
    state.df = prune(state.df, MAX_VOCABULARY);
  }
  return state;
}

/** Distinct templates, latest first. */
function representatives(
  state: IntelligentModelState,
  alerts: readonly AlertContent[],
  fields: readonly string[],
): AlertContent[] {
  const seen = new Map<string, AlertContent>();
  for (let i = alerts.length - 1; i >= 0 && seen.size < REPRESENTATIVES; i--) {
    const alert = alerts[i];
    if (!alert) continue;
    const signature = features(state, alert, fields).signature;
    if (!seen.has(signature)) seen.set(signature, alert);
  }
  return [...seen.values()];
}

function bestScore(
  state: IntelligentModelState,
  xs: readonly AlertContent[],
  ys: readonly AlertContent[],
  fields: readonly string[],
) {
  let best = 0;
  for (const x of xs) best = Math.max(best, createScorer(state, x, fields)(ys));
  return best;
}

function addEvidence(state: IntelligentModelState, a: string, b: string, together: boolean) {
  const e = pairValue(state.evidence, a, b) + (together ? 1 : -1);
  setPair(state.evidence, a, b, Math.max(-EVIDENCE_CAP, Math.min(EVIDENCE_CAP, e)));
}

function teach(state: IntelligentModelState, x: AlertVector, y: AlertVector, together: boolean) {
  if (x.signature !== y.signature) addEvidence(state, x.signature, y.signature, together);
  // The same lesson for the two checks (component|class): it carries over to their other wordings
  // and to the other things (databases, topics) those checks report on.
  if (x.check && y.check && x.check !== y.check) addEvidence(state, checkKey(x.check), checkKey(y.check), together);
  const xKeys = new Set(x.keys);
  const yKeys = new Set(y.keys);
  for (const i of x.keys) {
    if (yKeys.has(i)) continue;
    for (const j of y.keys) {
      if (xKeys.has(j)) continue;
      const a = pairValue(state.affinity, i, j);
      setPair(
        state.affinity,
        i,
        j,
        together ? a + AFFINITY_RATE * (AFFINITY_MAX - a) : a - AFFINITY_RATE * (a - AFFINITY_MIN),
      );
    }
  }
}

function bound(state: IntelligentModelState) {
  state.threshold = Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, state.threshold));
  if (pairCount(state.affinity) > MAX_LEARNED * 1.2) state.affinity = prunePairs(state.affinity, MAX_LEARNED);
  if (pairCount(state.evidence) > MAX_LEARNED * 1.2) state.evidence = prunePairs(state.evidence, MAX_LEARNED);
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
  const before = bestScore(state, xs, ys, fields);
  if (before < state.threshold) state.threshold -= THRESHOLD_RATE * (state.threshold - before);
  const yv = ys.map((y) => vectorize(state, y, fields));
  for (const x of xs) {
    const xv = vectorize(state, x, fields);
    for (const y of yv) teach(state, xv, y, true);
  }
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
  const ys = representatives(state, split.from, fields);
  if (ys.length === 0) return state;
  const before = bestScore(state, [split.alert], ys, fields);
  if (before >= state.threshold) state.threshold += THRESHOLD_RATE * (before - state.threshold + 0.05);
  const x = vectorize(state, split.alert, fields);
  for (const y of ys) teach(state, x, vectorize(state, y, fields), false);
  state.splits += 1;
  bound(state);
  return state;
}

/**
 * Pairwise clustering quality: over every pair of alerts of one service, a pair is predicted together
 * when both alerts ended in the same incident and truly together when they share a label.
 * precision = correct together-pairs / predicted together-pairs; recall = correct / true pairs.
 */
import type { ReplayAlert } from './replay';

export interface PairScores {
  precision: number;
  recall: number;
  f1: number;
  alerts: number;
  predicted: number;
  truth: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

function tally(keys: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

export function pairwise(alerts: readonly ReplayAlert[]): PairScores {
  const predicted = tally(alerts.map((a) => `${a.service}\u0000${a.incidentId}`));
  const truth = tally(alerts.map((a) => `${a.service}\u0000${a.label}`));
  const both = tally(alerts.map((a) => `${a.service}\u0000${a.incidentId}\u0000${a.label}`));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((n, c) => n + pairs(c), 0);
  const tp = sum(both);
  const pp = sum(predicted);
  const tt = sum(truth);
  const precision = pp === 0 ? 1 : tp / pp;
  const recall = tt === 0 ? 1 : tp / tt;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, alerts: alerts.length, predicted: predicted.size, truth: truth.size };
}

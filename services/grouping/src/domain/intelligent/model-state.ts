/**
 * The per-service intelligent grouping model as plain JSON: the service persists it per service (one
 * row) and hands it back on the next event. Every update is incremental (a few counters per alert or
 * per responder action); nothing is ever retrained from history.
 *
 * Records are plain objects so JSON.stringify/parse round-trip them; reads go through `count()` so a
 * token like "constructor" never hits Object.prototype.
 */

export interface IntelligentModelState {
  version: 1;
  /** Alerts observed: N in the idf. */
  alerts: number;
  /** Document frequency per feature (how many alerts carried it). */
  df: Record<string, number>;
  /** Learned token affinities, key `a|b` with a < b, in [-0.5, 0.9]: a soft-cosine term. */
  affinity: Record<string, number>;
  /** Unsupervised: how often two key words fired within minutes of each other on this service, key `a|b`. */
  cooccurrence: Record<string, number>;
  /** Evidence between alert templates (signatures), key `s|t` with s < t: merges +1, splits -1. */
  evidence: Record<string, number>;
  /** Similarity at or above which an alert joins; moved by feedback within [MIN, MAX]_THRESHOLD. */
  threshold: number;
  merges: number;
  splits: number;
}

export const DEFAULT_THRESHOLD = 0.45;
export const MIN_THRESHOLD = 0.3;
export const MAX_THRESHOLD = 0.85;
/** Past these sizes the rarest entries are pruned, so a noisy service cannot grow its row forever. */
export const MAX_VOCABULARY = 20_000;
export const MAX_LEARNED = 10_000;

export function createModel(threshold = DEFAULT_THRESHOLD): IntelligentModelState {
  return {
    version: 1,
    alerts: 0,
    df: {},
    affinity: {},
    cooccurrence: {},
    evidence: {},
    threshold,
    merges: 0,
    splits: 0,
  };
}

export function count(record: Record<string, number>, key: string): number {
  return Object.hasOwn(record, key) ? (record[key] ?? 0) : 0;
}

export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Reads a persisted model back, falling back to a fresh one for anything unrecognized. */
export function parseModel(json: unknown): IntelligentModelState {
  const fresh = createModel();
  if (!json || typeof json !== 'object') return fresh;
  const o = json as Partial<IntelligentModelState>;
  if (o.version !== 1) return fresh;
  const rec = (v: unknown): Record<string, number> => {
    const out: Record<string, number> = {};
    if (v && typeof v === 'object') {
      for (const [k, n] of Object.entries(v)) if (typeof n === 'number' && Number.isFinite(n)) out[k] = n;
    }
    return out;
  };
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return {
    version: 1,
    alerts: num(o.alerts, 0),
    df: rec(o.df),
    affinity: rec(o.affinity),
    cooccurrence: rec(o.cooccurrence),
    evidence: rec(o.evidence),
    threshold: Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, num(o.threshold, DEFAULT_THRESHOLD))),
    merges: num(o.merges, 0),
    splits: num(o.splits, 0),
  };
}

/** Keeps the `keep` entries of largest magnitude. */
export function prune(record: Record<string, number>, keep: number): Record<string, number> {
  const entries = Object.entries(record);
  if (entries.length <= keep) return record;
  entries.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return Object.fromEntries(entries.slice(0, keep));
}

/**
 * The per-service intelligent grouping model as plain JSON: the service persists it per service (one
 * row) and hands it back on the next event. Every update is incremental (a few counters per alert or
 * per responder action); nothing is ever retrained from history.
 *
 * Learned pairs are stored nested and symmetric (`affinity[a][b] === affinity[b][a]`), so scoring
 * an alert finds every word or template responders tied to it with one lookup per word instead of
 * a scan of all pairs. Reads go through `count()` / `pairValue()` so a token like "constructor"
 * never hits Object.prototype.
 *
 * Size stays bounded: past MAX_VOCABULARY features (MAX_LEARNED pairs) the least frequent (weakest)
 * are pruned, so a noisy service cannot grow its row forever (a few hundred kB at most).
 */

export type PairTable = Record<string, Record<string, number>>;

export interface IntelligentModelState {
  version: 2;
  /** Alerts observed: N in the idf. */
  alerts: number;
  /** Document frequency per feature (how many alerts carried it). */
  df: Record<string, number>;
  /** Learned word affinities in [-0.5, 0.9], symmetric: a soft-cosine term between different words. */
  affinity: PairTable;
  /** Evidence between alert templates (signatures), symmetric: merges +1, splits -1, capped at +-5. */
  evidence: PairTable;
  /** Similarity at or above which an alert joins; learned per service from merges and splits. */
  threshold: number;
  merges: number;
  splits: number;
}

/** Chosen with `bench:grouping --tune` on the train half of the benchmark only. */
export const DEFAULT_THRESHOLD = 0.15;
export const MIN_THRESHOLD = 0.1;
export const MAX_THRESHOLD = 0.85;
export const MAX_VOCABULARY = 8_000;
export const MAX_LEARNED = 4_000;

export function createModel(threshold = DEFAULT_THRESHOLD): IntelligentModelState {
  return { version: 2, alerts: 0, df: {}, affinity: {}, evidence: {}, threshold, merges: 0, splits: 0 };
}

export function count(record: Record<string, number>, key: string): number {
  return Object.hasOwn(record, key) ? (record[key] ?? 0) : 0;
}

export function partners(table: PairTable, a: string): Record<string, number> | undefined {
  return Object.hasOwn(table, a) ? table[a] : undefined;
}

export function pairValue(table: PairTable, a: string, b: string): number {
  const row = partners(table, a);
  return row ? count(row, b) : 0;
}

export function setPair(table: PairTable, a: string, b: string, value: number) {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const row = partners(table, x) ?? {};
    row[y] = value;
    table[x] = row;
  }
}

export function pairCount(table: PairTable): number {
  let n = 0;
  for (const row of Object.values(table)) n += Object.keys(row).length;
  return n / 2;
}

/** Keeps the `keep` entries of largest magnitude. */
export function prune(record: Record<string, number>, keep: number): Record<string, number> {
  const entries = Object.entries(record);
  if (entries.length <= keep) return record;
  entries.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return Object.fromEntries(entries.slice(0, keep));
}

/** Keeps the `keep` pairs of largest magnitude, both directions. */
export function prunePairs(table: PairTable, keep: number): PairTable {
  const flat: Record<string, number> = {};
  for (const [a, row] of Object.entries(table))
    for (const [b, v] of Object.entries(row)) if (a < b) flat[`${a}\u0000${b}`] = v;
  const out: PairTable = {};
  for (const [key, v] of Object.entries(prune(flat, keep))) {
    const [a = '', b = ''] = key.split('\u0000');
    setPair(out, a, b, v);
  }
  return out;
}

const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

function numbers(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (v && typeof v === 'object') {
    for (const [k, n] of Object.entries(v)) if (typeof n === 'number' && Number.isFinite(n)) out[k] = n;
  }
  return out;
}

/** Version 2 nests pairs; version 1 stored them flat as `a|b`. */
function pairs(v: unknown, flat: boolean): PairTable {
  const out: PairTable = {};
  if (!v || typeof v !== 'object') return out;
  if (flat) {
    for (const [key, n] of Object.entries(numbers(v))) {
      const bar = key.indexOf('|');
      if (bar > 0) setPair(out, key.slice(0, bar), key.slice(bar + 1), n);
    }
    return out;
  }
  for (const [a, row] of Object.entries(v)) for (const [b, n] of Object.entries(numbers(row))) setPair(out, a, b, n);
  return out;
}

/**
 * Reads a persisted model back, falling back to a fresh one for anything unrecognized. A version 1
 * row (flat pairs, plus unsupervised co-occurrence counts, which version 2 no longer uses: unrelated
 * outages co-occur as often as related ones) keeps its idf, evidence, affinities and threshold.
 */
export function parseModel(json: unknown): IntelligentModelState {
  const fresh = createModel();
  if (!json || typeof json !== 'object') return fresh;
  const o = json as Record<string, unknown>;
  if (o.version !== 1 && o.version !== 2) return fresh;
  const flat = o.version === 1;
  return {
    version: 2,
    alerts: num(o.alerts, 0),
    df: numbers(o.df),
    affinity: pairs(o.affinity, flat),
    evidence: pairs(o.evidence, flat),
    threshold: Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, num(o.threshold, DEFAULT_THRESHOLD))),
    merges: num(o.merges, 0),
    splits: num(o.splits, 0),
  };
}

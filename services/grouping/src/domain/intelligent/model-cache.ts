/**
 * What a service's model keeps between decisions that is NOT part of the model: each alert text's
 * features (tokenizing is the costly part of a decision, and an open incident's alerts are compared
 * with every new alert of the service), feature names interned as array indexes, the document
 * frequency by index and its log, kept in step with state.df (so idf costs a subtraction, not a string
 * lookup and a log, per feature per template), and the scorer's scratch arrays.
 *
 * It hangs off the model object under a symbol, non-enumerable, so JSON, equality and copies never
 * see it, and it lives exactly as long as that object: a caller that keeps a service's parsed model
 * between events keeps it warm; one that parses the stored row per event pays the cold cost.
 * Bounded: past MAX_TEXTS texts or MAX_FEATURES names it starts over, which costs only time.
 */
import { type AlertContent, fieldValue } from '../alert-content';
import type { IntelligentModelState } from './model-state';

/** What an alert says, before any statistics: a pure function of its content. */
export interface AlertFeatures {
  counts: ReadonlyMap<string, number>;
  /** The same as [feature, sublinear tf] pairs. */
  terms: readonly (readonly [string, number])[];
  /** The features as this cache's interned ids and their sublinear tf, for the hot loop. */
  ids: Int32Array;
  tfs: Float64Array;
  /** Summary words that can carry a learned affinity. */
  words: readonly string[];
  /** The alert's template: its feature names (normalized words, field values) as a set, hashed. */
  signature: string;
  /** `component|class` when the alert carries both: which check of which monitor fired. */
  check?: string;
  /** The scorer generation that last scored this template, and that score (see similarity.ts). */
  scoredBy: number;
  score: number;
}

/** Fields read besides the summary, compared to tell apart alerts with one summary. */
const OTHER_FIELDS = ['component', 'class', 'group'];

/**
 * An incident's distinct templates, and which alert objects they were read from: the entry holds
 * while the incident's alerts are the same objects, and is extended when alerts were only appended.
 */
interface IncidentTemplates {
  first: AlertContent | undefined;
  last: AlertContent | undefined;
  length: number;
  templates: AlertFeatures[];
}

interface TextEntry {
  values: (string | undefined)[];
  features: AlertFeatures;
}

export interface ModelCache {
  fieldsKey: string;
  /** By summary, then by the other fields' values: no key string is built per lookup. */
  texts: Map<string, TextEntry[]>;
  textCount: number;
  /** One object per template (signature and check), so a decision can tell templates apart by identity. */
  templates: Map<string, AlertFeatures>;
  /** Each open incident's distinct templates, by incident id, updated as its alerts grow. */
  incidents: Map<string, IncidentTemplates>;
  ids: Map<string, number>;
  names: string[];
  /** Document frequency by id and log(df + 1), mirroring `dfOf`, the state.df they were read from. */
  df: Float64Array;
  logDf: Float64Array;
  dfOf: Record<string, number>;
  /** How many features state.df holds (valid while dfOf is state.df). */
  vocabulary: number;
  /** Scorer scratch by feature id: a slot is the current scorer's when its stamp is the generation. */
  stamp: Int32Array;
  query: Float64Array;
  generation: number;
}

const MAX_TEXTS = 50_000;
const MAX_INCIDENTS = 5_000;
const MAX_FEATURES = 200_000;
const CACHE = Symbol('intelligent-model-cache');
type Cached = IntelligentModelState & { [CACHE]?: ModelCache };

function emptyCache(fieldsKey: string, df: Record<string, number>): ModelCache {
  return {
    fieldsKey,
    texts: new Map(),
    textCount: 0,
    templates: new Map(),
    incidents: new Map(),
    ids: new Map(),
    names: [],
    df: new Float64Array(1024),
    logDf: new Float64Array(1024),
    dfOf: df,
    vocabulary: Object.keys(df).length,
    stamp: new Int32Array(1024),
    query: new Float64Array(1024),
    generation: 0,
  };
}

/**
 * The model's cache for these fields, made (or started over) when missing, read for other fields, or
 * full, its df mirror brought in step with state.df. Only called where no scorer is half-way (at the
 * start of a decision or an update), so the ids a scorer holds stay valid while it runs.
 */
export function cacheOf(state: IntelligentModelState, fields: readonly string[]): ModelCache {
  const fieldsKey = fields.join(',');
  const held = (state as Cached)[CACHE];
  if (held && held.fieldsKey === fieldsKey && held.textCount < MAX_TEXTS && held.names.length < MAX_FEATURES) {
    syncDf(held, state);
    return held;
  }
  const fresh = emptyCache(fieldsKey, state.df);
  Object.defineProperty(state, CACHE, { value: fresh, enumerable: false, writable: true, configurable: true });
  return fresh;
}

function grow<T extends Int32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

const own = (df: Record<string, number>, name: string) => (Object.hasOwn(df, name) ? (df[name] ?? 0) : 0);

function setDf(cache: ModelCache, id: number, df: number) {
  cache.df[id] = df;
  cache.logDf[id] = Math.log(df + 1);
}

export function featureId(cache: ModelCache, name: string): number {
  let id = cache.ids.get(name);
  if (id === undefined) {
    id = cache.names.length;
    cache.ids.set(name, id);
    cache.names.push(name);
    if (id >= cache.stamp.length) {
      const size = cache.stamp.length * 2;
      cache.stamp = grow(cache.stamp, size);
      cache.query = grow(cache.query, size);
      cache.df = grow(cache.df, size);
      cache.logDf = grow(cache.logDf, size);
    }
    setDf(cache, id, own(cache.dfOf, name));
  }
  return id;
}

/** Reads the df mirror again when the state's df object was replaced (pruned, or set by hand). */
function syncDf(cache: ModelCache, state: IntelligentModelState) {
  if (cache.dfOf === state.df) return;
  cache.dfOf = state.df;
  cache.vocabulary = Object.keys(state.df).length;
  cache.names.forEach((name, id) => {
    setDf(cache, id, own(state.df, name));
  });
}

/** Adds one alert's features to the state's df (and the mirror); returns the vocabulary size. */
export function countFeatures(cache: ModelCache, state: IntelligentModelState, features: AlertFeatures): number {
  syncDf(cache, state);
  features.ids.forEach((id, k) => {
    const df = cache.df[id] as number;
    if (df === 0) cache.vocabulary += 1;
    state.df[features.terms[k]?.[0] ?? ''] = df + 1;
    setDf(cache, id, df + 1);
  });
  return cache.vocabulary;
}

/** The memoized features of `alert`, computed by `extract` for a text not seen yet. */
export function cachedFeatures(
  cache: ModelCache,
  alert: AlertContent,
  fields: readonly string[],
  extract: Extract,
): AlertFeatures {
  const entries = cache.texts.get(alert.summary);
  if (entries) {
    for (const entry of entries) if (sameFields(entry.values, alert, fields)) return entry.features;
  }
  const extracted = extract(alert, fields, cache);
  // Same signature = same features, up to a repeated word's count: the first one stands for all.
  const templateKey = `${extracted.signature}\u0000${extracted.check ?? ''}`;
  const features = cache.templates.get(templateKey) ?? extracted;
  cache.templates.set(templateKey, features);
  const entry = { values: valuesOf(alert, fields), features };
  if (entries) entries.push(entry);
  else cache.texts.set(alert.summary, [entry]);
  cache.textCount += 1;
  return features;
}

type Extract = (alert: AlertContent, fields: readonly string[], cache: ModelCache) => AlertFeatures;

/**
 * The distinct templates of an incident's alerts (oldest first), reusing what was read for the same
 * incident before when its alerts are the same objects, only read for the alerts appended since.
 * A caller that builds new alert objects per decision gets them read again (from the text memo).
 */
export function incidentTemplates(
  cache: ModelCache,
  key: string,
  alerts: readonly AlertContent[],
  fields: readonly string[],
  extract: Extract,
): readonly AlertFeatures[] {
  const n = alerts.length;
  let entry = cache.incidents.get(key);
  if (entry && entry.length === n && entry.first === alerts[0] && entry.last === alerts[n - 1]) return entry.templates;
  let from = 0;
  if (
    entry &&
    entry.first === alerts[0] &&
    entry.length > 0 &&
    entry.length < n &&
    alerts[entry.length - 1] === entry.last
  ) {
    from = entry.length;
  } else {
    if (!entry && cache.incidents.size >= MAX_INCIDENTS) cache.incidents.clear();
    entry = { first: alerts[0], last: undefined, length: 0, templates: [] };
    cache.incidents.set(key, entry);
  }
  const seen = new Set(entry.templates);
  for (let i = from; i < n; i++) {
    const features = cachedFeatures(cache, alerts[i] as AlertContent, fields, extract);
    if (!seen.has(features)) {
      seen.add(features);
      entry.templates.push(features);
    }
  }
  entry.length = n;
  entry.last = alerts[n - 1];
  return entry.templates;
}

const extraFields = (fields: readonly string[]) => fields.filter((f) => f !== 'summary' && !OTHER_FIELDS.includes(f));

function valuesOf(alert: AlertContent, fields: readonly string[]): (string | undefined)[] {
  return [alert.component, alert.class, alert.group, ...extraFields(fields).map((f) => fieldValue(alert, f))];
}

function sameFields(values: (string | undefined)[], alert: AlertContent, fields: readonly string[]): boolean {
  if (values[0] !== alert.component || values[1] !== alert.class || values[2] !== alert.group) return false;
  if (values.length === 3) return true;
  const extra = extraFields(fields);
  return extra.every((f, i) => values[3 + i] === fieldValue(alert, f));
}

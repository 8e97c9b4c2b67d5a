/**
 * What PostgreSQL can never store, found at the edge so bad input is refused with a 400 instead of
 * failing later: text columns refuse NUL, jsonb refuses NUL and an unpaired UTF-16 surrogate (which
 * JSON.stringify writes as a bare \udXXX escape), and a JSON number too large for a double (`1e400`)
 * parses to Infinity, which would be stored as the string "Infinity" or as null.
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What in a string PostgreSQL can never store, or undefined when all of it can be. */
export function unstorableText(v: string): string | undefined {
  if (v.includes('\u0000')) return 'NUL characters (\\u0000)';
  if (LONE_SURROGATE.test(v)) return 'unpaired UTF-16 surrogates';
  return undefined;
}

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * The string with what PostgreSQL could never store replaced by U+FFFD: for text Klaxon keeps as
 * it found it (a dead letter's error, quoting the bad value), where refusing is no option.
 */
export function storableText(v: string): string {
  return v.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATES, '\uFFFD');
}

export type Unstorable =
  /** A string value; `path` names it. */
  | { kind: 'text'; path: string; problem: string }
  /** An object key; `path` names the object holding it. */
  | { kind: 'key'; path: string; problem: string }
  /** A number that is not finite (Infinity from `1e400`). */
  | { kind: 'number'; path: string }
  /** Objects and arrays nested deeper than allowed; `path` names the first one too deep. */
  | { kind: 'depth'; path: string };

const child = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/**
 * The first thing in a parsed JSON value that cannot be stored, walking keys, values and items
 * (`path` as `a.b[0].c` from `root`). Iterative, so a deep value cannot exhaust the stack; stops
 * at the first problem, so a tree of a million bad strings costs one message, not a million.
 * `maxDepth` counts levels of objects and arrays, the value itself being the first.
 */
export function findUnstorable(value: unknown, root: string, maxDepth: number): Unstorable | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: v, path, depth } = next;
    if (typeof v === 'string') {
      const problem = unstorableText(v);
      if (problem) return { kind: 'text', path, problem };
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { kind: 'number', path };
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) return { kind: 'depth', path };
    // Pushed in reverse, so the first problem in document order is the one reported.
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pending.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(v);
    for (const [key] of entries) {
      const problem = unstorableText(key);
      if (problem) return { kind: 'key', path, problem };
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i] as [string, unknown];
      pending.push({ value: item, path: child(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}

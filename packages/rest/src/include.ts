/** A querystring property for `include[]` restricted to an endpoint's values. */
export function includeQuery(values: readonly string[]) {
  return {
    type: 'array',
    items: { type: 'string', enum: [...values] },
    description: 'Expand these references into full objects.',
  } as const;
}

/** A querystring property for a set filter such as `team_ids[]` (repeat the parameter; OR within it). */
export const idsQuery = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

/** The `include[]` values asked for, as a set; unknown values were refused by the route schema. */
export function parseInclude(query: Record<string, unknown>): ReadonlySet<string> {
  const raw = query['include[]'] ?? query.include;
  if (Array.isArray(raw)) return new Set(raw.map(String));
  return typeof raw === 'string' ? new Set([raw]) : new Set();
}

/** Ids from a set filter (`team_ids[]`), empty when absent. */
export function parseIds(query: Record<string, unknown>, name: string): string[] {
  const raw = query[`${name}[]`] ?? query[name];
  if (Array.isArray(raw)) return raw.map(String);
  return typeof raw === 'string' ? [raw] : [];
}

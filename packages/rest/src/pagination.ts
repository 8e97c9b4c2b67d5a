import { httpError } from '@klaxon/kit';

/** Query-string properties of PagerDuty's classic offset pagination, for a route's querystring schema. */
export const paginationQuery = {
  limit: { type: 'integer', minimum: 1, description: 'Results per page; default 25, at most 100.' },
  offset: { type: 'integer', minimum: 0, default: 0, description: 'Offset to start pagination search results.' },
  total: {
    type: 'string',
    enum: ['true', 'false', '1', '0'],
    description: 'Set to true to populate the `total` field (slower).',
  },
} as const;

export const defaultLimit = 25;
export const maxLimit = 100;
/** PagerDuty refuses pages reaching past the 10,000th record; clients must narrow their query. */
export const maxOffsetPlusLimit = 10_000;

export interface Page {
  limit: number;
  offset: number;
  /** Whether the caller asked for `total`; counting costs a query, so it is skipped otherwise. */
  total: boolean;
}

/** PagerDuty's query booleans accept true/false/1/0. */
export const queryFlag = (value: unknown): boolean => value === true || value === 'true' || value === '1';

/** Reads limit/offset/total; a limit above 100 is lowered to 100, a page past 10,000 is refused. */
export function parsePage(query: { limit?: number; offset?: number; total?: string | boolean }): Page {
  const limit = Math.min(query.limit ?? defaultLimit, maxLimit);
  const offset = query.offset ?? 0;
  if (offset + limit > maxOffsetPlusLimit) {
    throw httpError('invalid_input', [`offset + limit must be at most ${maxOffsetPlusLimit}`]);
  }
  return { limit, offset, total: queryFlag(query.total) };
}

/**
 * The list envelope: `{<key>: [...], limit, offset, more, total}`. `rows` holds up to limit + 1
 * items (one extra tells whether there is `more`); `count` is called only when `total` was asked.
 */
export async function listEnvelope<T>(
  key: string,
  page: Page,
  rows: readonly T[],
  count: () => Promise<number>,
): Promise<Record<string, unknown>> {
  return {
    [key]: rows.slice(0, page.limit),
    limit: page.limit,
    offset: page.offset,
    more: rows.length > page.limit,
    total: page.total ? await count() : null,
  };
}

/** Pages an in-memory list (small fixed catalogs such as vendors). */
export function pageOf<T>(key: string, page: Page, all: readonly T[]): Record<string, unknown> {
  return {
    [key]: all.slice(page.offset, page.offset + page.limit),
    limit: page.limit,
    offset: page.offset,
    more: page.offset + page.limit < all.length,
    total: page.total ? all.length : null,
  };
}

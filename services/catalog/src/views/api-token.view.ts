import type { Urls } from '@klaxon/rest';
import type { ApiTokenRow } from '../db';

/** An API token as Klaxon's `/api_tokens` renders it; the secret itself is shown only once, on create. */
export function apiTokenView(urls: Urls, row: ApiTokenRow, user: { id: string; name: string }) {
  return {
    id: row.id,
    type: 'api_token',
    summary: row.description,
    self: urls.self('api_token', row.id),
    html_url: null,
    description: row.description,
    access: row.access,
    user: urls.ref('user', user.id, user.name),
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * What catalog.changes carries for a token: its SHA-256 (never the token), owner and access, so
 * other services can authenticate REST calls from their own replica.
 */
export function apiTokenSnapshot(row: ApiTokenRow) {
  return {
    id: row.id,
    type: 'api_token',
    token_hash: row.tokenHash,
    access: row.access,
    user: { id: row.userId, type: 'user_reference' },
  };
}

import { createHash } from 'node:crypto';
import type { Principal } from './abilities';

/** Tokens are stored and looked up by their SHA-256: a leaked table does not leak usable tokens. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Finds the principal of a token by its hash; each service answers from its own table or replica. */
export type LookupToken = (tokenHash: string) => Promise<Principal | undefined>;

// The spec's pattern: `Token token=<key>` (API keys) or `Bearer <token>` (OAuth).
const authorizationPattern = /^(?:Token token=|Bearer )([A-Za-z0-9_+\-.]+)$/;

/** The token of an Authorization header, or undefined when the header is absent or malformed. */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return authorizationPattern.exec(header.trim())?.[1];
}

import type { Executor } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { hashToken, type TokenAccess } from '@klaxon/rest';
import { type ApiTokenRow, apiTokens } from './api-tokens.table';

/** Stores an API token for a user; only its SHA-256 is kept, so the caller must hand the token out now. */
export async function createApiToken(
  ex: Executor,
  options: { userId: string; token: string; access: TokenAccess; description: string },
): Promise<ApiTokenRow> {
  const [row] = await ex
    .insert(apiTokens)
    .values({
      id: newObjectId(),
      tokenHash: hashToken(options.token),
      userId: options.userId,
      access: options.access,
      description: options.description,
    })
    .returning();
  if (!row) throw new Error('token insert returned nothing');
  return row;
}

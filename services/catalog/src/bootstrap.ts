import type { Database } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import type { Urls } from '@klaxon/rest';
import { publishChange } from './changes';
import { createApiToken, users } from './db';
import { publishUser } from './snapshots';
import { apiTokenSnapshot } from './views/api-token.view';

/**
 * On a first start, creates the account owner and a full-access API token with the given value, so
 * a new install can be driven by API at once. Does nothing once an owner exists.
 */
export async function bootstrapOwner(
  db: Database,
  options: { token: string; email: string; urls: Urls; now: Date },
): Promise<'created' | 'exists'> {
  return db.transaction(async (tx) => {
    const owners = await tx.select({ id: users.id }).from(users).limit(1);
    if (owners.length > 0) return 'exists';
    const [owner] = await tx
      .insert(users)
      .values({ id: newObjectId(), name: 'Account Owner', email: options.email, role: 'owner', timeZone: 'Etc/UTC' })
      .returning();
    if (!owner) throw new Error('owner insert returned nothing');
    const token = await createApiToken(tx, {
      userId: owner.id,
      token: options.token,
      access: 'full_access',
      description: 'Bootstrap token (KLAXON_BOOTSTRAP_TOKEN)',
    });
    await publishUser(tx, options.urls, owner, options.now);
    await publishChange(
      tx,
      { type: 'api_token', id: token.id, version: token.version },
      apiTokenSnapshot(token),
      options.now,
    );
    return 'created';
  });
}

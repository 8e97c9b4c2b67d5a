import { createHash } from 'node:crypto';
import { type Database, enqueueOutbox } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { catalogChange } from './changes';
import { apiTokens, outbox, users } from './db';
import { userView } from './users.view';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * On a first start, creates the account owner and a full-access API token with the given value, so
 * a new install can be driven by API at once. Does nothing once an owner exists.
 */
export async function bootstrapOwner(
  db: Database,
  options: { token: string; email: string; publicUrl: string; now: Date },
): Promise<'created' | 'exists'> {
  return db.transaction(async (tx) => {
    const owners = await tx.select({ id: users.id }).from(users).limit(1);
    if (owners.length > 0) return 'exists';
    const [owner] = await tx
      .insert(users)
      .values({ id: newObjectId(), name: 'Account Owner', email: options.email, role: 'owner', timeZone: 'UTC' })
      .returning();
    if (!owner) throw new Error('owner insert returned nothing');
    await tx.insert(apiTokens).values({
      id: newObjectId(),
      tokenHash: hashToken(options.token),
      userId: owner.id,
      access: 'full_access',
      description: 'Bootstrap token (KLAXON_BOOTSTRAP_TOKEN)',
    });
    await enqueueOutbox(tx, outbox, [
      catalogChange(
        { type: 'user', id: owner.id, version: owner.version },
        userView(owner, options.publicUrl),
        options.now,
      ),
    ]);
    return 'created';
  });
}

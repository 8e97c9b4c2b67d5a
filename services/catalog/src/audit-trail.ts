import { AsyncLocalStorage } from 'node:async_hooks';
import type { Executor } from '@klaxon/db';
import { newRecordId } from '@klaxon/ids';
import { principalOf, tokenFromHeader } from '@klaxon/rest';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { auditedStates, auditRecords, users } from './db';
import {
  type AuditAction,
  auditDetails,
  auditedState,
  hasChanges,
  membershipChanges,
  rootEntityType,
  unseenState,
} from './domain/audit-changes';

/** Who makes the changes of one request, and how: what each of its audit records names. */
interface ChangeActor {
  userId: string;
  /** The last four characters of the token (PagerDuty's `truncated_token`). */
  truncatedToken: string | null;
  requestId: string;
  remoteAddress: string;
  /** The user's name, read once per request on its first change. */
  summary?: string | null;
}

// The actor follows the request through every route's transaction to publishChange, which all
// catalog writes go through, without threading it through each of them. Node's AsyncLocalStorage
// is the request-scoped context (what @fastify/request-context builds on); it holds no state itself.
const changeActors = new AsyncLocalStorage<ChangeActor>();

/**
 * Runs each authenticated catalog request's handler with its actor in scope, so the changes it
 * publishes are recorded as that user's. Registered after the REST conventions (which set the principal).
 */
export function auditRequests(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || !request.principal) return done();
    const token = tokenFromHeader(request.headers.authorization);
    const actor: ChangeActor = {
      userId: principalOf(request).userId,
      truncatedToken: token ? token.slice(-4) : null,
      requestId: request.id,
      remoteAddress: request.ip,
    };
    changeActors.run(actor, done);
  });
}

async function actorSummary(tx: Executor, actor: ChangeActor): Promise<string | null> {
  if (actor.summary === undefined) {
    const [user] = await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
    actor.summary = user?.name ?? null;
  }
  return actor.summary;
}

/**
 * Records one catalog change in the audit trail, in the transaction publishing it: compared with
 * the entity's last audited state, a create, an update (only when an audited field changed) or a
 * delete (snapshot null). A first change seen of an entity older than the trail is an update
 * without before-values, its deletion a delete without them.
 */
export async function recordChange(
  tx: Executor,
  entity: { type: string; id: string; version: number },
  snapshot: object | null,
  now: Date,
): Promise<void> {
  const where = and(eq(auditedStates.entityType, entity.type), eq(auditedStates.entityId, entity.id));
  const after =
    snapshot === null ? undefined : auditedState(entity.type, entity.id, snapshot as Record<string, unknown>);
  if (snapshot !== null && !after) return;
  const [before] = await tx.select().from(auditedStates).where(where);
  const target = after ?? before ?? unseenState(entity.type, entity.id);
  if (!target) return; // a tombstone of a child the trail never saw: its aggregate is unknown
  const action: AuditAction = !after ? 'delete' : before || entity.version > 1 ? 'update' : 'create';
  const details = auditDetails(before?.state ?? null, after?.state ?? null);

  if (after) {
    await tx
      .insert(auditedStates)
      .values({ entityType: entity.type, entityId: entity.id, ...after })
      .onConflictDoUpdate({ target: [auditedStates.entityType, auditedStates.entityId], set: after });
  } else {
    await tx.delete(auditedStates).where(where);
  }
  if (action === 'update' && !hasChanges(details)) return;

  const rootSummary =
    target.rootId === entity.id
      ? target.summary
      : ((
          await tx
            .select({ summary: auditedStates.summary })
            .from(auditedStates)
            .where(
              and(
                eq(auditedStates.entityType, rootEntityType(target.rootType)),
                eq(auditedStates.entityId, target.rootId),
              ),
            )
        )[0]?.summary ?? null);
  const record = {
    executionTime: now,
    action,
    ...(await actorColumns(tx)),
  };
  await tx.insert(auditRecords).values({
    ...record,
    id: newRecordId(),
    rootType: target.rootType,
    rootId: target.rootId,
    rootSummary,
    resourceType: target.resourceType,
    resourceId: entity.id,
    resourceSummary: target.summary,
    details,
  });
  if (entity.type !== 'user' || action !== 'update') return;
  const user = { id: entity.id, type: target.resourceType, ...(target.summary ? { summary: target.summary } : {}) };
  for (const { team, details: membership } of membershipChanges(user, details)) {
    await tx.insert(auditRecords).values({
      ...record,
      id: newRecordId(),
      action: 'update',
      rootType: 'teams',
      rootId: team.id,
      rootSummary: team.summary ?? null,
      resourceType: team.type,
      resourceId: team.id,
      resourceSummary: team.summary ?? null,
      details: membership,
    });
  }
}

/** The columns naming who acted and how: the request's actor, or Klaxon itself outside any request. */
async function actorColumns(tx: Executor) {
  const actor = changeActors.getStore();
  return {
    requestId: actor?.requestId ?? null,
    remoteAddress: actor?.remoteAddress ?? null,
    actorId: actor?.userId ?? null,
    actorSummary: actor ? await actorSummary(tx, actor) : null,
    methodType: actor ? 'api_token' : 'other',
    methodTruncatedToken: actor?.truncatedToken ?? null,
    methodDescription: actor ? null : 'Klaxon itself, outside any API request (the first start creating the owner)',
  };
}

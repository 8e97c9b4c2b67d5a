import type { Executor } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import { noContent } from '@klaxon/kit';
import {
  arrayOf,
  boolean,
  ensureAllowed,
  integer,
  listBody,
  managesAccount,
  nullableInteger,
  objectBody,
  pageOf,
  paginationQuery,
  parsePage,
  principalOf,
  referenceBody,
  text,
  wrappedBody,
} from '@klaxon/rest';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import { entityTags, escalationPolicies, tags, teams, users } from '../db';
import { invalid, notFound } from '../domain/checks';
import { type TagConnections, tagSnapshot, tagView } from '../views/tag.view';
import { idParams } from './common.schemas';
import { ensureActsForUser } from './user-access';

// The entities PagerDuty lets carry tags, by their REST path type.
const taggable = {
  users: { table: users, what: 'User', reference: 'user_reference' },
  teams: { table: teams, what: 'Team', reference: 'team_reference' },
  escalation_policies: {
    table: escalationPolicies,
    what: 'Escalation policy',
    reference: 'escalation_policy_reference',
  },
} as const;
type EntityType = keyof typeof taggable;
const entityTypes = Object.keys(taggable) as EntityType[];

const labelSchema = { type: 'string', minLength: 1, maxLength: 191, pattern: '\\S' } as const;
const pageQuery = { type: 'object', properties: { ...paginationQuery } } as const;
type PageQuery = { limit?: number; offset?: number; total?: string };

/** A tag as rendered below. */
const tagBody = objectBody('tag', { label: text });

/** The entities of one type a tag is on: the list envelope under that type's name. */
const connectedBody = {
  type: 'object',
  required: ['limit', 'offset', 'more', 'total'],
  properties: {
    ...Object.fromEntries(entityTypes.map((type) => [type, arrayOf(referenceBody)])),
    limit: integer,
    offset: integer,
    more: boolean,
    total: nullableInteger,
  },
};

const changeTagsBody = {
  type: 'object',
  properties: {
    add: {
      type: 'array',
      maxItems: 100,
      items: {
        anyOf: [
          { type: 'object', required: ['type', 'label'], properties: { type: { const: 'tag' }, label: labelSchema } },
          {
            type: 'object',
            required: ['type', 'id'],
            properties: { type: { const: 'tag_reference' }, id: { type: 'string', minLength: 1 } },
          },
        ],
      },
    },
    remove: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['id'],
        properties: { type: { const: 'tag_reference' }, id: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;
type ChangeTags = {
  add?: ({ type: 'tag'; label: string } | { type: 'tag_reference'; id: string })[];
  remove?: { id: string }[];
};

/**
 * Tags (/tags) and the tags of users, teams and escalation policies (`/{type}/{id}/tags`,
 * `/{type}/{id}/change_tags`), as PagerDuty has them. Each tag is published on catalog.changes
 * (entity type `tag`) with the entities it is on, whenever it or they change; a deleted tag is a
 * tombstone.
 */
export function tagRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;
  const view = (tag: Parameters<typeof tagView>[1]) => tagView(urls, tag);

  /** Publishes tags whose connections changed (bumping their version) or that were just created. */
  async function publishTags(tx: Executor, changed: Iterable<string>, created: ReadonlySet<string>, now: Date) {
    for (const id of new Set(changed)) {
      const [tag] = created.has(id)
        ? await tx.select().from(tags).where(eq(tags.id, id))
        : await tx
            .update(tags)
            .set({ version: sql`${tags.version} + 1` })
            .where(eq(tags.id, id))
            .returning();
      if (!tag) continue;
      const rows = await tx
        .select({ type: entityTags.entityType, id: entityTags.entityId })
        .from(entityTags)
        .where(eq(entityTags.tagId, id))
        .orderBy(asc(entityTags.entityId));
      const on: TagConnections = { users: [], teams: [], escalation_policies: [] };
      for (const row of rows) if (row.type in on) on[row.type as EntityType].push(row.id);
      await publishChange(tx, { type: 'tag', id, version: tag.version }, tagSnapshot(urls, tag, on), now);
    }
  }
  const findTag = async (id: string) => (await db.select().from(tags).where(eq(tags.id, id)))[0];
  const entityExists = async (type: EntityType, id: string) => {
    const { table } = taggable[type];
    return (await db.select({ id: table.id }).from(table).where(eq(table.id, id))).length > 0;
  };

  app.get(
    '/tags',
    {
      schema: {
        tags: ['Tags'],
        summary: 'List tags',
        querystring: { type: 'object', properties: { ...paginationQuery, query: { type: 'string' } } },
        response: { 200: listBody('tags', tagBody) },
      },
    },
    async (request) => {
      const query = request.query as PageQuery & { query?: string };
      const needle = query.query?.toLowerCase();
      const rows = await db
        .select()
        .from(tags)
        .where(needle ? sql`strpos(lower(${tags.label}), ${needle}) > 0` : undefined)
        .orderBy(asc(sql`lower(${tags.label})`));
      return pageOf('tags', parsePage(query), rows.map(view));
    },
  );

  app.post(
    '/tags',
    {
      schema: {
        tags: ['Tags'],
        summary: 'Create a tag',
        body: {
          type: 'object',
          required: ['tag'],
          properties: {
            tag: { type: 'object', required: ['label'], properties: { type: { const: 'tag' }, label: labelSchema } },
          },
        },
        response: { 201: wrappedBody('tag', tagBody) },
      },
    },
    async (request, reply) => {
      ensureAllowed(managesAccount(principalOf(request)), 'Only account managers may create tags');
      const { label } = (request.body as { tag: { label: string } }).tag;
      const now = ctx.clock.now();
      const created = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(tags)
          .values({ id: newObjectId(), label: label.trim() })
          .onConflictDoNothing()
          .returning();
        if (!row) throw invalid(`A tag labelled ${label.trim()} already exists`);
        await publishTags(tx, [row.id], new Set([row.id]), now);
        return row;
      });
      ctx.published();
      return reply.status(201).send({ tag: view(created) });
    },
  );

  app.get(
    '/tags/:id',
    {
      schema: {
        tags: ['Tags'],
        summary: 'Get a tag',
        params: idParams,
        response: { 200: wrappedBody('tag', tagBody) },
      },
    },
    async (request) => {
      const tag = await findTag((request.params as { id: string }).id);
      if (!tag) throw notFound('Tag');
      return { tag: view(tag) };
    },
  );

  app.delete(
    '/tags/:id',
    { schema: { tags: ['Tags'], summary: 'Delete a tag', params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      ensureAllowed(managesAccount(principalOf(request)), 'Only account managers may delete tags');
      const now = ctx.clock.now();
      await db.transaction(async (tx) => {
        // Its entity_tags rows go with it (cascade): the tombstone stands for them too.
        const gone = await tx
          .delete(tags)
          .where(eq(tags.id, (request.params as { id: string }).id))
          .returning({ id: tags.id, version: tags.version });
        if (!gone.length) throw notFound('Tag');
        await publishTombstones(tx, 'tag', gone, now);
      });
      ctx.published();
      return reply.status(204).send();
    },
  );

  // go-pagerduty asks for `/tags/{id}/users/` with a trailing slash, which PagerDuty answers alike.
  const connectedEntities = ['/tags/:id/:entity_type', '/tags/:id/:entity_type/'];
  for (const url of connectedEntities)
    app.get(
      url,
      {
        schema: {
          tags: ['Tags'],
          summary: 'Get connected entities',
          params: {
            type: 'object',
            required: ['id', 'entity_type'],
            properties: { id: { type: 'string', minLength: 1 }, entity_type: { type: 'string', enum: entityTypes } },
          },
          querystring: pageQuery,
          response: { 200: connectedBody },
        },
      },
      async (request) => {
        const { id, entity_type } = request.params as { id: string; entity_type: EntityType };
        if (!(await findTag(id))) throw notFound('Tag');
        const { table, reference } = taggable[entity_type];
        // Only entities that still exist: a deleted user's tag rows stay behind.
        const rows = await db
          .select({ id: entityTags.entityId })
          .from(entityTags)
          .innerJoin(table, eq(table.id, entityTags.entityId))
          .where(and(eq(entityTags.tagId, id), eq(entityTags.entityType, entity_type)))
          .orderBy(asc(entityTags.entityId));
        return pageOf(
          entity_type,
          parsePage(request.query as PageQuery),
          rows.map((r) => ({ id: r.id, type: reference })),
        );
      },
    );

  for (const type of entityTypes) {
    const { what } = taggable[type];
    app.get(
      `/${type}/:id/tags`,
      {
        schema: {
          tags: ['Tags'],
          summary: 'Get tags for entities',
          params: idParams,
          querystring: pageQuery,
          response: { 200: listBody('tags', tagBody) },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        if (!(await entityExists(type, id))) throw notFound(what);
        const rows = await db
          .select({ tag: tags })
          .from(entityTags)
          .innerJoin(tags, eq(tags.id, entityTags.tagId))
          .where(and(eq(entityTags.entityType, type), eq(entityTags.entityId, id)))
          .orderBy(asc(sql`lower(${tags.label})`));
        return pageOf(
          'tags',
          parsePage(request.query as PageQuery),
          rows.map((r) => view(r.tag)),
        );
      },
    );

    app.post(
      `/${type}/:id/change_tags`,
      {
        schema: {
          tags: ['Tags'],
          summary: 'Assign tags',
          params: idParams,
          body: changeTagsBody,
          response: { 200: { type: 'object', description: 'Empty: the tags were changed' } },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const { id } = request.params as { id: string };
        const input = request.body as ChangeTags;
        const now = ctx.clock.now();
        await db.transaction(async (tx) => {
          if (type === 'users') {
            const [user] = await tx.select({ id: users.id, role: users.role }).from(users).where(eq(users.id, id));
            if (!user) throw notFound(what);
            ensureActsForUser(principal, user, "Only an owner or admin may change another user's tags");
          } else {
            ensureAllowed(managesAccount(principal), `Only account managers may change a ${what.toLowerCase()}'s tags`);
            if (!(await entityExists(type, id))) throw notFound(what);
          }
          const add: string[] = [];
          const created = new Set<string>();
          for (const item of input.add ?? []) {
            if (item.type === 'tag_reference') {
              if (!(await tx.select({ id: tags.id }).from(tags).where(eq(tags.id, item.id))).length) {
                throw invalid(`Tag ${item.id} not found`);
              }
              add.push(item.id);
              continue;
            }
            // By label: the existing tag of that label (any case), else a new one, as PagerDuty does.
            const label = item.label.trim();
            const [existing] = await tx.select().from(tags).where(sql`lower(${tags.label}) = lower(${label})`);
            if (existing) {
              add.push(existing.id);
              continue;
            }
            ensureAllowed(managesAccount(principal), 'Only account managers may create tags');
            const [row] = await tx.insert(tags).values({ id: newObjectId(), label }).returning();
            if (row) {
              add.push(row.id);
              created.add(row.id);
            }
          }
          const remove = (input.remove ?? []).map((r) => r.id);
          const removed =
            remove.length > 0
              ? await tx
                  .delete(entityTags)
                  .where(
                    and(
                      eq(entityTags.entityType, type),
                      eq(entityTags.entityId, id),
                      inArray(entityTags.tagId, remove),
                    ),
                  )
                  .returning({ tagId: entityTags.tagId })
              : [];
          const added =
            add.length > 0
              ? await tx
                  .insert(entityTags)
                  .values([...new Set(add)].map((tagId) => ({ tagId, entityType: type, entityId: id })))
                  .onConflictDoNothing()
                  .returning({ tagId: entityTags.tagId })
              : [];
          // Only tags whose entities changed (or that were just made) are published again.
          await publishTags(
            tx,
            [...created, ...removed.map((r) => r.tagId), ...added.map((r) => r.tagId)],
            created,
            now,
          );
        });
        ctx.published();
        return {};
      },
    );
  }
}

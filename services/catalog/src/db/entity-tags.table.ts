import { index, primaryKey, text } from 'drizzle-orm/pg-core';
import { catalogSchema } from './schema';
import { tags } from './tags.table';

/**
 * Which users, teams and escalation policies carry a tag. The entity is named by its REST path type
 * (`users`, `teams`, `escalation_policies`); rows of a deleted entity are left and filtered on read.
 */
export const entityTags = catalogSchema.table(
  'entity_tags',
  {
    tagId: text('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tagId, t.entityType, t.entityId] }),
    index('entity_tags_entity_idx').on(t.entityType, t.entityId),
  ],
);

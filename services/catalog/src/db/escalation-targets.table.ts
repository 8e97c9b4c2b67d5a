import { index, text } from 'drizzle-orm/pg-core';
import { escalationPolicies } from './escalation-policies.table';
import { catalogSchema } from './schema';

/**
 * Every user and schedule a policy's rules name, kept beside the rules so references are checked
 * (no deleting a user or schedule a policy targets) and `user_ids[]` filters with an index.
 */
export const escalationTargets = catalogSchema.table(
  'escalation_targets',
  {
    policyId: text('policy_id')
      .notNull()
      .references(() => escalationPolicies.id, { onDelete: 'cascade' }),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
  },
  (t) => [index('escalation_targets_target_idx').on(t.targetType, t.targetId)],
);

import type { Executor } from '@klaxon/db';
import { eq } from 'drizzle-orm';
import { type IntelligentModelState, parseModel } from '../domain';
import { models } from './models.table';

/**
 * The services' intelligent models, stored one row per service. A model object keeps its own
 * caches (idf, incident templates) warm between decisions, so the store keeps the object it last
 * saved and reuses it while the row is still the one it wrote; otherwise (another replica or thread
 * saved since, or the transaction that changed the object rolled back) it reads the row again.
 */
export interface ModelStore {
  /** The service's model, its row locked for the update that follows (a fresh model when none is stored). */
  load(ex: Executor, serviceId: string): Promise<IntelligentModelState>;
  save(ex: Executor, serviceId: string, state: IntelligentModelState, at: Date): Promise<void>;
}

export function createModelStore(): ModelStore {
  const saved = new Map<string, { at: number; state: IntelligentModelState }>();
  return {
    async load(ex, serviceId) {
      // Taken out while in use: a caller that changes the object and then rolls back must not leave it here.
      const kept = saved.get(serviceId);
      saved.delete(serviceId);
      const [stamp] = await ex
        .select({ updatedAt: models.updatedAt })
        .from(models)
        .where(eq(models.serviceId, serviceId))
        .for('update');
      if (kept && stamp && stamp.updatedAt.getTime() === kept.at) return kept.state;
      if (!stamp) return parseModel(undefined);
      const [row] = await ex.select({ state: models.state }).from(models).where(eq(models.serviceId, serviceId));
      return parseModel(row?.state);
    },
    async save(ex, serviceId, state, at) {
      await ex
        .insert(models)
        .values({ serviceId, state, updatedAt: at })
        .onConflictDoUpdate({ target: models.serviceId, set: { state, updatedAt: at } });
      saved.set(serviceId, { at: at.getTime(), state });
    },
  };
}

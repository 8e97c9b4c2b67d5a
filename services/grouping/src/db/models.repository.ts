import type { Executor } from '@klaxon/db';
import { eq } from 'drizzle-orm';
import { type IntelligentModelState, parseModel } from '../domain';
import { models } from './models.table';

/** The service's intelligent model, locked for the update that follows (a fresh one when none is stored). */
export async function loadModel(ex: Executor, serviceId: string): Promise<IntelligentModelState> {
  const [row] = await ex.select().from(models).where(eq(models.serviceId, serviceId)).for('update');
  return parseModel(row?.state);
}

export async function saveModel(ex: Executor, serviceId: string, state: IntelligentModelState, at: Date) {
  await ex
    .insert(models)
    .values({ serviceId, state, updatedAt: at })
    .onConflictDoUpdate({ target: models.serviceId, set: { state, updatedAt: at } });
}

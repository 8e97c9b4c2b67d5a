import { sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
import {
  actingUserId,
  ensureAllowed,
  listEnvelope,
  managesAccount,
  managesTeams,
  type Principal,
  parseIds,
  parseInclude,
  parsePage,
  principalOf,
} from '@klaxon/rest';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import {
  countServices,
  escalationPolicies,
  findPolicy,
  findService,
  indexTargets,
  integrations,
  listServices,
  serviceActivity,
  services,
  windowIdsOfService,
} from '../db';
import { invalid, notFound } from '../domain/checks';
import { defaultServiceSettings, resolveServiceSettings, type ServiceSettingsInput } from '../domain/service-settings';
import { serviceStatus } from '../domain/service-status';
import { publishService, republishPolicy, republishWindow } from '../snapshots';
import { type ServiceRecord, serviceView } from '../views/service.view';
import {
  createServiceSchema,
  deleteServiceSchema,
  listServicesSchema,
  showServiceSchema,
  updateServiceSchema,
} from './services.schemas';

interface ServiceInput extends ServiceSettingsInput {
  name?: string;
  description?: string | null;
  escalation_policy?: { id: string };
  status?: string;
}

type Query = Record<string, unknown> & {
  limit?: number;
  offset?: number;
  total?: string;
  query?: string;
  name?: string;
  sort_by?: string;
};

export const serviceTeamIds = (record: ServiceRecord): string[] => (record.policy.team ? [record.policy.team.id] : []);

/** Whether the caller may change this service: an account manager, or a manager of its team. */
export function ensureManagesService(p: Principal, record: ServiceRecord): void {
  ensureAllowed(managesTeams(p, serviceTeamIds(record)), "You may only manage your own teams' services");
}

/**
 * The team of the policy generated for a service created without one: none for an account manager
 * (as before); the team a team manager manages, so the service is theirs to change afterwards.
 */
function generatedPolicyTeam(p: Principal): string | null {
  if (managesAccount(p)) return null;
  const managed = Object.entries(p.teamRoles).flatMap(([team, role]) => (role === 'manager' ? [team] : []));
  ensureAllowed(managed.length > 0, 'Only account or team managers may create a service with a new escalation policy');
  const [team, ...others] = managed;
  if (team === undefined || others.length > 0) {
    throw invalid('You manage several teams: give the escalation_policy of the team the service is for');
  }
  return team;
}

export function serviceRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  async function policyFor(p: Principal, id: string) {
    const policy = await findPolicy(db, id);
    if (!policy) throw invalid(`escalation_policy ${id} does not exist`);
    ensureAllowed(
      managesTeams(p, policy.policy.teamId ? [policy.policy.teamId] : []),
      "You may only use your own teams' escalation policies",
    );
    return policy.policy;
  }

  /** Each service's status now: from its setting, its open incidents and its ongoing maintenance windows. */
  async function liveStatus(records: readonly ServiceRecord[]) {
    const activity = await serviceActivity(
      db,
      records.map((r) => r.service.id),
      ctx.clock.now(),
    );
    return (r: ServiceRecord) => serviceStatus(r.service.status, activity.get(r.service.id));
  }

  app.get('/services', { schema: listServicesSchema }, async (request) => {
    const query = request.query as Query;
    const page = parsePage(query);
    const filter = {
      query: query.query,
      name: query.name,
      teamIds: parseIds(query, 'team_ids'),
      descending: query.sort_by === 'name:desc',
    };
    const include = parseInclude(query);
    const records = await listServices(db, filter, page.limit + 1, page.offset);
    const status = await liveStatus(records);
    return listEnvelope(
      'services',
      page,
      records.map((r) => serviceView(urls, r, include, status(r))),
      () => countServices(db, filter),
    );
  });

  app.get('/services/:id', { schema: showServiceSchema }, async (request) => {
    const { id } = request.params as { id: string };
    const record = await findService(db, id);
    if (!record) throw notFound('Service');
    const status = await liveStatus([record]);
    return { service: serviceView(urls, record, parseInclude(request.query as Query), status(record)) };
  });

  app.post('/services', { schema: createServiceSchema }, async (request, reply) => {
    const p = principalOf(request);
    const input = (request.body as { service: ServiceInput & { name: string } }).service;
    if (input.status !== undefined && input.status !== 'active') throw invalid('A service can only be created active');
    const settings = resolveServiceSettings(input, defaultServiceSettings);
    const existing = input.escalation_policy ? await policyFor(p, input.escalation_policy.id) : undefined;
    const generatedTeam = existing ? null : generatedPolicyTeam(p);
    const firstLevel = existing ? undefined : actingUserId(request);
    const [taken] = await db.select({ id: services.id }).from(services).where(eq(services.name, input.name));
    if (taken) throw invalid('Name has already been taken');
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      let policyId = existing?.id;
      if (!policyId) {
        policyId = newObjectId();
        const rules = [
          {
            id: newObjectId(),
            escalation_delay_in_minutes: 30,
            targets: [{ type: 'user' as const, id: firstLevel ?? p.userId }],
          },
        ];
        await tx
          .insert(escalationPolicies)
          .values({ id: policyId, name: `${input.name} (EP)`, rules, teamId: generatedTeam });
        await indexTargets(tx, policyId, rules);
      }
      const [row] = await tx
        .insert(services)
        .values({
          id: newObjectId(),
          name: input.name,
          description: input.description ?? null,
          escalationPolicyId: policyId,
          ...settings,
          createdAt: now,
        })
        .returning();
      if (!row) throw new Error('service insert returned nothing');
      const snapshot = await publishService(tx, urls, row, now);
      await republishPolicy(tx, urls, policyId, now);
      return snapshot;
    });
    ctx.published();
    return reply.status(201).send({ service: view });
  });

  app.put('/services/:id', { schema: updateServiceSchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params as { id: string };
    const current = await findService(db, id);
    if (!current) throw notFound('Service');
    ensureManagesService(p, current);
    const input = (request.body as { service: ServiceInput }).service;
    if (input.status !== undefined && input.status !== 'active' && input.status !== 'disabled') {
      throw invalid('status can only be set to active or disabled');
    }
    const s = current.service;
    const settings = resolveServiceSettings(input, s);
    const newPolicy =
      input.escalation_policy && input.escalation_policy.id !== s.escalationPolicyId
        ? await policyFor(p, input.escalation_policy.id)
        : undefined;
    if (input.name !== undefined && input.name !== s.name) {
      const [taken] = await db.select({ id: services.id }).from(services).where(eq(services.name, input.name));
      if (taken) throw invalid('Name has already been taken');
    }
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(services)
        .set({
          name: input.name ?? s.name,
          description: input.description === undefined ? s.description : input.description,
          escalationPolicyId: newPolicy?.id ?? s.escalationPolicyId,
          status: input.status ?? s.status,
          ...settings,
          version: sql`${services.version} + 1`,
        })
        .where(eq(services.id, id))
        .returning();
      if (!row) throw notFound('Service');
      const snapshot = await publishService(tx, urls, row, now);
      if (newPolicy || input.name !== undefined) {
        await republishPolicy(tx, urls, s.escalationPolicyId, now);
        if (newPolicy) await republishPolicy(tx, urls, newPolicy.id, now);
      }
      return snapshot;
    });
    ctx.published();
    return { service: view };
  });

  app.delete('/services/:id', { schema: deleteServiceSchema }, async (request, reply) => {
    const p = principalOf(request);
    const { id } = request.params as { id: string };
    const current = await findService(db, id);
    if (!current) throw notFound('Service');
    ensureManagesService(p, current);
    const windows = await windowIdsOfService(db, id);
    const now = ctx.clock.now();
    await db.transaction(async (tx) => {
      const goneIntegrations = await tx
        .delete(integrations)
        .where(eq(integrations.serviceId, id))
        .returning({ id: integrations.id, version: integrations.version });
      await publishTombstones(tx, 'integration', goneIntegrations, now);
      const gone = await tx
        .delete(services)
        .where(eq(services.id, id))
        .returning({ id: services.id, version: services.version });
      await publishTombstones(tx, 'service', gone, now);
      await republishPolicy(tx, urls, current.service.escalationPolicyId, now);
      for (const windowId of windows) await republishWindow(tx, urls, windowId, now);
    });
    ctx.published();
    return reply.status(204).send();
  });
}

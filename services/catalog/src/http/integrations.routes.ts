import { sql } from '@klaxon/db';
import { newObjectId, newSecret32 } from '@klaxon/ids';
import { httpError } from '@klaxon/kit';
import { parseInclude, principalOf } from '@klaxon/rest';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publishChange, publishTombstones } from '../changes';
import type { CatalogContext } from '../context';
import { countIntegrations, countOpenIncidents, findService, type IntegrationRow, integrations } from '../db';
import { invalid, notFound } from '../domain/checks';
import { maxIntegrationsPerService, resolveIntegration, settingDifferences } from '../domain/integrations';
import { republishService } from '../snapshots';
import { integrationView } from '../views/integration.view';
import type { ServiceRecord } from '../views/service.view';
import { serviceView } from '../views/service.view';
import {
  createIntegrationSchema,
  deleteIntegrationSchema,
  moveIntegrationSchema,
  regenerateKeySchema,
  showIntegrationSchema,
  updateIntegrationSchema,
} from './integrations.schemas';
import { ensureManagesService } from './services.routes';

interface IntegrationInput {
  type?: string;
  name?: string;
  vendor?: { id: string } | null;
  integration_email?: string;
  [emailSetting: string]: unknown;
}
type Params = { id: string; integration_id: string };

const emailSettingKeys = [
  'email_incident_creation',
  'email_filter_mode',
  'email_filters',
  'email_parsers',
  'email_parsing_fallback',
];

/** PagerDuty's "Product Limit Reached" (2019), for the 250-integration and 8,000-incident limits. */
const limitReached = (reason: string) => httpError('product_limit_reached', [reason]);

function emailSettings(input: IntegrationInput, current: Record<string, unknown> = {}) {
  const settings: Record<string, unknown> = { ...current };
  for (const key of emailSettingKeys) if (input[key] !== undefined) settings[key] = input[key];
  const parsers = settings.email_parsers;
  if (Array.isArray(parsers)) {
    for (const parser of parsers as { value_extractors?: { value_name?: string }[] }[]) {
      const keys = (parser.value_extractors ?? []).filter((x) => x.value_name === 'incident_key');
      if (keys.length !== 1) throw invalid('each email parser needs exactly one value extractor for incident_key');
    }
  }
  return settings;
}

export function integrationRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  async function serviceOf(id: string): Promise<ServiceRecord> {
    const record = await findService(db, id);
    if (!record) throw notFound('Service');
    return record;
  }
  function integrationOf(record: ServiceRecord, id: string): IntegrationRow {
    const row = record.integrations.find((i) => i.id === id);
    if (!row) throw notFound('Integration');
    return row;
  }
  const serviceRef = (r: ServiceRecord) => ({ id: r.service.id, name: r.service.name });

  app.post('/services/:id/integrations', { schema: createIntegrationSchema }, async (request, reply) => {
    const { id } = request.params as Params;
    const record = await serviceOf(id);
    ensureManagesService(principalOf(request), record);
    const input = (request.body as { integration: IntegrationInput }).integration;
    const { type, name, vendor } = resolveIntegration(input);
    if (record.integrations.length >= maxIntegrationsPerService) {
      throw limitReached(`A service can have at most ${maxIntegrationsPerService} integrations`);
    }
    const key = newSecret32();
    const isEmail = type === 'generic_email_inbound_integration';
    const host = new URL(urls.self('service', id)).hostname;
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(integrations)
        .values({
          id: newObjectId(),
          serviceId: id,
          type,
          name,
          vendorId: vendor?.id ?? null,
          integrationKey: key,
          integrationEmail: isEmail ? (input.integration_email ?? `${key}@${host}`) : null,
          emailSettings: isEmail ? emailSettings(input) : {},
          createdAt: now,
        })
        .returning();
      if (!row) throw new Error('integration insert returned nothing');
      // Checked again inside the transaction: the count before it may race another create.
      if ((await countIntegrations(tx, id)) > maxIntegrationsPerService) {
        throw limitReached(`A service can have at most ${maxIntegrationsPerService} integrations`);
      }
      const snapshot = integrationView(urls, row, serviceRef(record));
      await publishChange(tx, { type: 'integration', id: row.id, version: row.version }, snapshot, now);
      await republishService(tx, urls, id, now);
      return snapshot;
    });
    ctx.published();
    return reply.status(201).send({ integration: view });
  });

  app.get('/services/:id/integrations/:integration_id', { schema: showIntegrationSchema }, async (request) => {
    const { id, integration_id } = request.params as Params;
    const record = await serviceOf(id);
    const include = parseInclude(request.query as Record<string, unknown>);
    const view = integrationView(urls, integrationOf(record, integration_id), serviceRef(record), include);
    return { integration: include.has('services') ? { ...view, service: serviceView(urls, record) } : view };
  });

  app.put('/services/:id/integrations/:integration_id', { schema: updateIntegrationSchema }, async (request) => {
    const { id, integration_id } = request.params as Params;
    const record = await serviceOf(id);
    ensureManagesService(principalOf(request), record);
    const current = integrationOf(record, integration_id);
    const input = (request.body as { integration: IntegrationInput }).integration;
    if (input.type !== undefined && input.type !== current.type) throw invalid('An integration cannot change type');
    const isEmail = current.type === 'generic_email_inbound_integration';
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(integrations)
        .set({
          name: input.name ?? current.name,
          integrationEmail: isEmail ? (input.integration_email ?? current.integrationEmail) : null,
          emailSettings: isEmail ? emailSettings(input, current.emailSettings) : {},
          version: sql`${integrations.version} + 1`,
        })
        .where(eq(integrations.id, current.id))
        .returning();
      if (!row) throw notFound('Integration');
      const snapshot = integrationView(urls, row, serviceRef(record));
      await publishChange(tx, { type: 'integration', id: row.id, version: row.version }, snapshot, now);
      if (row.name !== current.name) await republishService(tx, urls, id, now);
      return snapshot;
    });
    ctx.published();
    return { integration: view };
  });

  app.delete(
    '/services/:id/integrations/:integration_id',
    { schema: deleteIntegrationSchema },
    async (request, reply) => {
      const { id, integration_id } = request.params as Params;
      const record = await serviceOf(id);
      ensureManagesService(principalOf(request), record);
      const current = integrationOf(record, integration_id);
      const now = ctx.clock.now();
      await db.transaction(async (tx) => {
        const gone = await tx
          .delete(integrations)
          .where(eq(integrations.id, current.id))
          .returning({ id: integrations.id, version: integrations.version });
        await publishTombstones(tx, 'integration', gone, now);
        await republishService(tx, urls, id, now);
      });
      ctx.published();
      return reply.status(204).send();
    },
  );

  app.post(
    '/services/:id/integrations/:integration_id/regenerate_key',
    { schema: regenerateKeySchema },
    async (request) => {
      const { id, integration_id } = request.params as Params;
      const record = await serviceOf(id);
      ensureManagesService(principalOf(request), record);
      const current = integrationOf(record, integration_id);
      const now = ctx.clock.now();
      const view = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(integrations)
          .set({ integrationKey: newSecret32(), version: sql`${integrations.version} + 1` })
          .where(eq(integrations.id, current.id))
          .returning();
        if (!row) throw notFound('Integration');
        const snapshot = integrationView(urls, row, serviceRef(record));
        await publishChange(tx, { type: 'integration', id: row.id, version: row.version }, snapshot, now);
        return snapshot;
      });
      ctx.published();
      return { integration: view };
    },
  );

  app.post('/services/:id/integrations/:integration_id/move', { schema: moveIntegrationSchema }, async (request) => {
    const p = principalOf(request);
    const { id, integration_id } = request.params as Params;
    const source = await serviceOf(id);
    ensureManagesService(p, source);
    const current = integrationOf(source, integration_id);
    const targetId = (request.body as { service: { id: string } }).service.id;
    if (targetId === id) throw invalid('The integration already belongs to this service');
    const target = await findService(db, targetId);
    if (!target) throw invalid(`service ${targetId} does not exist`);
    ensureManagesService(p, target);
    const open = await countOpenIncidents(db, current.id);
    if (open > ctx.moveOpenIncidentsLimit) {
      throw limitReached(
        `The integration has ${open} open incidents; at most ${ctx.moveOpenIncidentsLimit} can be moved`,
      );
    }
    if (target.integrations.length >= maxIntegrationsPerService) {
      throw limitReached(`A service can have at most ${maxIntegrationsPerService} integrations`);
    }
    const warnings = settingDifferences(serviceView(urls, source), serviceView(urls, target));
    const now = ctx.clock.now();
    const view = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(integrations)
        .set({ serviceId: targetId, version: sql`${integrations.version} + 1` })
        .where(and(eq(integrations.id, current.id), eq(integrations.serviceId, id)))
        .returning();
      if (!row) throw notFound('Integration');
      const snapshot = integrationView(urls, row, serviceRef(target));
      await publishChange(tx, { type: 'integration', id: row.id, version: row.version }, snapshot, now);
      await republishService(tx, urls, id, now);
      await republishService(tx, urls, targetId, now);
      return snapshot;
    });
    ctx.published();
    return { integration: view, warnings };
  });
}

import { administersAccount, defaultLimit, ensureAllowed, maxLimit, principalOf } from '@klaxon/rest';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../context';
import { type AuditRecordQuery, escalationPolicies, findAuditRecords, schedules, services, teams, users } from '../db';
import { rootReferenceType } from '../domain/audit-changes';
import { invalid, notFound, parseInstant } from '../domain/checks';
import { auditRecordView } from '../views/audit-record.view';
import {
  type AuditedAggregate,
  type AuditRecordsQuery,
  auditedAggregates,
  listAuditRecordsSchema,
  resourceAuditRecordsSchema,
} from './audit-records.schemas';

const day = 24 * 60 * 60 * 1000;
/** PagerDuty's window: 24 hours unless asked, at most 31 days. */
const defaultWindowMs = day;
const maxWindowMs = 31 * day;

const aggregateTables = { users, teams, escalation_policies: escalationPolicies, schedules, services } as const;

// Cursors are `<execution_time ms>.<seq>` of the page's last record, base64url so they travel
// unescaped (go-pagerduty appends `cursor=` to the URL as it is).
const encodeCursor = (at: Date, seq: number) => Buffer.from(`${at.getTime()}.${seq}`).toString('base64url');
function decodeCursor(cursor: string): AuditRecordQuery['after'] {
  const match = /^(\d{1,15})\.(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const seq = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(seq)) throw invalid('cursor is not a cursor this API returned');
  return { executionTime: new Date(Number(match[1])), seq };
}

/** The page and window every audit records endpoint reads, checked as PagerDuty checks them. */
function pageOf(query: AuditRecordsQuery, now: Date) {
  const until = query.until ? parseInstant(query.until, 'until') : now;
  const since = query.since ? parseInstant(query.since, 'since') : new Date(now.getTime() - defaultWindowMs);
  if (since > until) throw invalid('since must not be after until (since defaults to 24 hours ago, until to now)');
  if (until.getTime() - since.getTime() > maxWindowMs) throw invalid('until may not be more than 31 days after since');
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  return { since, until, limit: Math.min(query.limit ?? defaultLimit, maxLimit), ...(after ? { after } : {}) };
}

/**
 * The audit trail, as PagerDuty's Audit Records API has it: the account's records for owners and
 * admins (`/audit/records`), one aggregate's records for whoever may read it (`/{type}/{id}/audit/records`).
 * Newest first, cursor-paginated. Records are written by audit-trail.ts with every catalog change.
 */
export function auditRecordRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  const { db, urls } = ctx;

  async function answer(q: AuditRecordQuery) {
    const rows = await findAuditRecords(db, q);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      records: page.map((row) => auditRecordView(urls, row, rootReferenceType(row.rootType))),
      limit: q.limit,
      next_cursor: rows.length > q.limit && last ? encodeCursor(last.executionTime, last.seq) : null,
    };
  }

  app.get('/audit/records', { schema: listAuditRecordsSchema }, async (request) => {
    ensureAllowed(
      administersAccount(principalOf(request)),
      "Only the account's owner and admins may list its audit records",
    );
    const query = request.query as AuditRecordsQuery;
    if (query.actor_id && !query.actor_type) throw invalid('actor_id must be qualified by actor_type');
    if (query.method_truncated_token && !query.method_type) {
      throw invalid('method_truncated_token must be qualified by method_type');
    }
    return answer({
      ...pageOf(query, ctx.clock.now()),
      ...(query['root_resource_types[]'] ? { rootTypes: query['root_resource_types[]'] } : {}),
      ...(query.actor_type
        ? { actor: { type: query.actor_type, ...(query.actor_id ? { id: query.actor_id } : {}) } }
        : {}),
      ...(query.method_type
        ? {
            method: {
              type: query.method_type,
              ...(query.method_truncated_token ? { truncatedToken: query.method_truncated_token } : {}),
            },
          }
        : {}),
      ...(query['actions[]'] ? { actions: query['actions[]'] } : {}),
    });
  });

  for (const aggregate of Object.keys(auditedAggregates) as AuditedAggregate[]) {
    const table = aggregateTables[aggregate];
    app.get(`/${aggregate}/:id/audit/records`, { schema: resourceAuditRecordsSchema(aggregate) }, async (request) => {
      const { id } = request.params as { id: string };
      // Anyone who may read the object may read its records (PagerDuty: read access to the resource).
      const page = pageOf(request.query as AuditRecordsQuery, ctx.clock.now());
      if (!(await db.select({ id: table.id }).from(table).where(eq(table.id, id))).length) {
        throw notFound(auditedAggregates[aggregate]);
      }
      return answer({ ...page, root: { type: aggregate, id } });
    });
  }
}

import { type AcceptedEvent, EventAction, timestampDate } from '@klaxon/contracts';
import { claimMessages, type Executor, enqueueOutbox, insertMany, sql } from '@klaxon/db';
import { newRecordId } from '@klaxon/ids';
import {
  alerts,
  changeEvents,
  type EscalationPolicySnapshot,
  findEntities,
  findOpenAlerts,
  type IncidentRow,
  inbox,
  incidents,
  logEntries,
  outbox,
  type ServiceSnapshot,
  type TimerRow,
  timers,
} from '../db';
import { type AlertContent, decideDedup, lifecycle } from '../domain';
import { incidentView } from '../views/incident.view';
import { applyAlertAction, type EventResult, type OpenAlert } from './apply-event';
import { changeEventValues } from './change-event';
import { changeMessage, logEntryValues } from './commit';
import type { GroupingContext } from './context';
import { alertValues, contentOfEvent, customDetailsOf, dedupEventOf, eventCause } from './event-alert';
import { createBatchGrouping, eventIncident } from './group-alert';
import { incidentValues } from './open-incident';
import { timeoutsOf } from './service-settings';

/** A new incident waiting for its number (given on insert) before its incidents.changed is rendered. */
interface Opened {
  row: Omit<IncidentRow, 'number'>;
  changes: readonly lifecycle.ChangeKind[];
  timers: TimerRow[];
  at: Date;
  /** The integration of the alert that opened it. */
  integrationId: string;
}

const keyOf = (integrationId: string, dedupKey: string) => `${integrationId}\u0000${dedupKey}`;

/**
 * Applies a partition's batch of events in the caller's transaction, in memory and written with
 * multi-row inserts at the end: new alerts (grouped by `createBatchGrouping`, or opening incidents of
 * their own), repeats of open alerts, suppressed triggers, dropped events, change events (stored for
 * /change_events). Acknowledge and resolve go through `applyAlertAction` with statements of their
 * own, after the writes so far are flushed so it reads them.
 */
export async function applyEventBatch(
  tx: Executor,
  ctx: GroupingContext,
  events: readonly AcceptedEvent[],
): Promise<EventResult[]> {
  const services = await findEntities<ServiceSnapshot>(
    tx,
    'service',
    events.map((e) => e.serviceId),
  );
  const policies = await findEntities<EscalationPolicySnapshot>(
    tx,
    'escalation_policy',
    [...services.values()].flatMap((s) => (s.escalation_policy?.id ? [s.escalation_policy.id] : [])),
  );
  const contents = new Map<AcceptedEvent, { details: Record<string, unknown> | null; content: AlertContent }>();
  const contentOf = (event: AcceptedEvent) => {
    let known = contents.get(event);
    if (!known) {
      const details = customDetailsOf(event);
      known = { details, content: contentOfEvent(event, details) };
      contents.set(event, known);
    }
    return known;
  };
  const grouping = createBatchGrouping(tx, ctx);
  const open = new Map<string, OpenAlert>();
  let loaded = false;
  /** Reads what the events from `from` on need: their keys' open alerts, their services' candidates. */
  const load = async (from: number) => {
    const rest = events.slice(from);
    const keys = rest.flatMap((e) => (e.dedupKey ? [{ integrationId: e.integrationId, alertKey: e.dedupKey }] : []));
    for (const a of await findOpenAlerts(tx, keys)) open.set(keyOf(a.integrationId, a.alertKey), a);
    const acting = rest.filter((e) => e.action === EventAction.ACKNOWLEDGE || e.action === EventAction.RESOLVE);
    await grouping.load(
      rest
        .filter((e) => e.action === EventAction.TRIGGER)
        .map((e) => ({
          serviceId: e.serviceId,
          service: services.get(e.serviceId),
          content: contentOf(e).content,
          at: atOf(ctx, e),
        })),
      acting.flatMap((e) => open.get(keyOf(e.integrationId, e.dedupKey))?.incidentId ?? []),
    );
    loaded = true;
  };

  const pending = {
    incidents: new Map<string, Opened>(),
    alerts: [] as (typeof alerts.$inferInsert)[],
    logEntries: [] as (typeof logEntries.$inferInsert)[],
    changeEvents: [] as (typeof changeEvents.$inferInsert)[],
  };

  const flush = async () => {
    const opened = [...pending.incidents.values()];
    const numbered = await insertMany<typeof incidents, { id: string; number: string }>(
      tx,
      incidents,
      opened.map((o) => o.row),
      { returning: sql`id, incident_number as number` },
    );
    const numbers = new Map(numbered.map((r) => [r.id, Number(r.number)]));
    await insertMany(tx, alerts, pending.alerts);
    await insertMany(tx, logEntries, pending.logEntries);
    await insertMany(tx, changeEvents, pending.changeEvents, { onConflict: sql`(id) do nothing` });
    await insertMany(
      tx,
      timers,
      opened.flatMap((o) => o.timers),
    );
    await grouping.flush();
    const messages = opened.map((o) => {
      const row: IncidentRow = { ...o.row, number: numbers.get(o.row.id) ?? 0 };
      const view = incidentView(ctx.urls, row, extrasOf(o, services, policies));
      return changeMessage(row, o.changes, o.at, view, o.integrationId);
    });
    await enqueueOutbox(tx, outbox, messages);
    pending.incidents.clear();
    pending.alerts = [];
    pending.logEntries = [];
    pending.changeEvents = [];
  };

  const results: EventResult[] = [];
  for (const [index, event] of events.entries()) {
    const input = dedupEventOf(event);
    if (!input) {
      results.push('unknown-action');
      continue;
    }
    const at = atOf(ctx, event);
    if (event.action === EventAction.CHANGE) {
      pending.changeEvents.push(changeEventValues(event, at));
      results.push('change-stored');
      continue;
    }
    if (!loaded) await load(index);
    const key = keyOf(event.integrationId, event.dedupKey);
    const existing = event.dedupKey ? open.get(key) : undefined;
    const decision = decideDedup(
      input,
      existing && {
        alertId: existing.id,
        integrationId: existing.integrationId,
        dedupKey: existing.alertKey,
        status: 'triggered',
      },
    );
    const service = services.get(event.serviceId);
    if (decision.kind === 'acknowledge-alert' || decision.kind === 'resolve-alert') {
      await flush();
      const { resolvedIncident } = await applyAlertAction(tx, ctx, event, decision, existing, service, at);
      results.push(decision.kind);
      // What later events read changes only here: the key has no open alert, its incident is closed
      // to grouping. (An incident resolves when its last open alert does, so no other key changes.)
      if (decision.kind === 'resolve-alert') open.delete(key);
      if (resolvedIncident && existing?.incidentId) grouping.resolved(existing.incidentId);
      continue;
    }
    results.push(decision.kind);
    if (decision.kind === 'drop') {
      ctx.log.debug({ eventId: event.id, reason: decision.reason }, 'event_dropped');
      continue;
    }
    const { details, content } = contentOf(event);
    if (decision.kind === 'update-existing-alert') {
      if (existing?.incidentId) {
        pending.logEntries.push(
          logEntryValues(newRecordId(), {
            type: 'trigger',
            incidentId: existing.incidentId,
            serviceId: existing.serviceId,
            cause: eventCause(event, existing.id, content),
            at,
          }),
        );
      }
      continue;
    }
    const alertId = newRecordId();
    if (decision.kind === 'suppressed') {
      // Stored resolved (see alertValues): not an open alert, so not in `open`.
      pending.alerts.push(alertValues(event, { id: alertId, content, details, suppressed: true, at }));
      continue;
    }
    if (!service) ctx.log.warn({ serviceId: event.serviceId }, 'service_snapshot_missing');
    const cause = eventCause(event, alertId, content);
    const logId = newRecordId();
    const placement = grouping.place({ serviceId: event.serviceId, service, content, at });
    const incidentId = 'join' in placement ? placement.join : newRecordId();
    pending.logEntries.push(
      logEntryValues(logId, { type: 'trigger', incidentId, serviceId: event.serviceId, cause, at }),
    );
    pending.alerts.push(
      alertValues(event, {
        id: alertId,
        content,
        details,
        suppressed: false,
        at,
        incidentId,
        firstTriggerLogEntryId: logId,
      }),
    );
    open.set(key, { ...alertKeys(event), id: alertId, incidentId, status: 'triggered' });
    if ('join' in placement) {
      // Joining an incident this batch opened changes the row still to be inserted.
      const unsaved = pending.incidents.get(incidentId);
      if (unsaved) {
        unsaved.row.alertCount += 1;
        unsaved.row.windowLastGroupedAt = placement.window.lastGroupedAt;
      }
      continue;
    }
    const incident = eventIncident({ event, service, content, alertId, at }, placement.policy, placement.window, cause);
    const transition = lifecycle.openIncident({
      id: incidentId,
      title: incident.title,
      urgency: incident.urgency,
      assigneeIds: [],
      now: at,
      timeouts: timeoutsOf(service),
    });
    pending.incidents.set(incidentId, {
      row: incidentValues(incidentId, incident, logId, at) as Omit<IncidentRow, 'number'>,
      changes: transition.changes,
      timers: transition.timers.flatMap((t) => ('arm' in t ? [{ incidentId, kind: t.kind, dueAt: t.arm }] : [])),
      at,
      integrationId: event.integrationId,
    });
    grouping.opened(event.serviceId, incidentId, placement.window, content);
    ctx.log.info({ incidentId, serviceId: event.serviceId, alertId }, 'incident_opened');
  }
  await flush();
  return results;
}

/** When the event happened for Klaxon: when ingest accepted it. */
const atOf = (ctx: GroupingContext, event: AcceptedEvent) =>
  event.receivedAt ? timestampDate(event.receivedAt) : ctx.clock.now();

const alertKeys = (event: AcceptedEvent) => ({
  integrationId: event.integrationId,
  alertKey: event.dedupKey,
  serviceId: event.serviceId,
});

/** What the view of a just-opened incident needs, known without asking the database. */
function extrasOf(
  opened: Opened,
  services: Map<string, ServiceSnapshot>,
  policies: Map<string, EscalationPolicySnapshot>,
) {
  const { id } = opened.row;
  return {
    counts: new Map([[id, { all: opened.row.alertCount, triggered: opened.row.alertCount, resolved: 0 }]]),
    timers: new Map([[id, opened.timers]]),
    services,
    policies,
    users: new Map(),
    firstTriggers: new Map([[id, 'trigger']]),
  };
}

/**
 * Applies a batch of events.accepted messages in ONE transaction: one inbox claim for all of them (a
 * redelivered message changes nothing twice), then the batch. Results in the order of the events.
 */
export function applyAcceptedEvents(ctx: GroupingContext, events: readonly AcceptedEvent[]): Promise<EventResult[]> {
  return ctx.db.transaction(async (tx) => {
    const todo = await claimMessages(tx, inbox, events);
    const applied = await applyEventBatch(tx, ctx, todo);
    const resultOf = new Map(todo.map((e, i) => [e, applied[i]]));
    return events.map((e) => resultOf.get(e) ?? 'duplicate');
  });
}

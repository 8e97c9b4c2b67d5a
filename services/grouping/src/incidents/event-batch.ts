import { type AcceptedEvent, EventAction, timestampDate } from '@klaxon/contracts';
import { claimMessages, type Executor, enqueueOutbox, insertMany, sql } from '@klaxon/db';
import { newObjectId } from '@klaxon/ids';
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
import { decideDedup, lifecycle } from '../domain';
import { incidentView } from '../views/incident.view';
import type { EventResult, OpenAlert } from './apply-event';
import { applyEvent } from './apply-event';
import { changeEventValues } from './change-event';
import { changeMessage, logEntryValues } from './commit';
import type { GroupingContext } from './context';
import { alertValues, contentOfEvent, customDetailsOf, dedupEventOf, eventCause } from './event-alert';
import { eventIncident } from './group-alert';
import { incidentValues } from './open-incident';
import { policyOf, timeoutsOf } from './service-settings';

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
 * Applies a partition's batch of events in the caller's transaction, the common storm cases in
 * memory and written with multi-row inserts at the end: a trigger opening an incident on a service
 * without grouping, a repeat of an open alert, a suppressed trigger, a dropped event, a change event
 * (stored for /change_events). Everything else (grouping policies, acknowledge, resolve) goes through
 * `applyEvent` with its own statements, after the writes so far are flushed so it reads them; the
 * batch then refreshes what that event may have changed in its open-alert map.
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
  const open = new Map<string, OpenAlert>();
  let openFrom = -1;
  const loadOpenAlerts = async (from: number) => {
    open.clear();
    const keys = events
      .slice(from)
      .flatMap((e) => (e.dedupKey ? [{ integrationId: e.integrationId, alertKey: e.dedupKey }] : []));
    for (const a of await findOpenAlerts(tx, keys)) open.set(keyOf(a.integrationId, a.alertKey), a);
    openFrom = from;
  };

  const pending = {
    incidents: [] as Opened[],
    alerts: [] as (typeof alerts.$inferInsert)[],
    logEntries: [] as (typeof logEntries.$inferInsert)[],
    changeEvents: [] as (typeof changeEvents.$inferInsert)[],
  };

  const flush = async () => {
    const numbered = await insertMany<typeof incidents, { id: string; number: string }>(
      tx,
      incidents,
      pending.incidents.map((o) => o.row),
      { returning: sql`id, incident_number as number` },
    );
    const numbers = new Map(numbered.map((r) => [r.id, Number(r.number)]));
    await insertMany(tx, alerts, pending.alerts);
    await insertMany(tx, logEntries, pending.logEntries);
    await insertMany(tx, changeEvents, pending.changeEvents, { onConflict: sql`(id) do nothing` });
    await insertMany(
      tx,
      timers,
      pending.incidents.flatMap((o) => o.timers),
    );
    const messages = pending.incidents.map((o) => {
      const row: IncidentRow = { ...o.row, number: numbers.get(o.row.id) ?? 0 };
      const view = incidentView(ctx.urls, row, extrasOf(o, services, policies));
      return changeMessage(row, o.changes, o.at, view, o.integrationId);
    });
    await enqueueOutbox(tx, outbox, messages);
    pending.incidents = [];
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
    const at = event.receivedAt ? timestampDate(event.receivedAt) : ctx.clock.now();
    if (event.action === EventAction.CHANGE) {
      pending.changeEvents.push(changeEventValues(event, at));
      results.push('change-stored');
      continue;
    }
    if (openFrom < 0) await loadOpenAlerts(index);
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
    const inMemory =
      decision.kind === 'drop' ||
      decision.kind === 'suppressed' ||
      decision.kind === 'update-existing-alert' ||
      (decision.kind === 'new-alert' && policyOf(service).type === 'none');
    if (!inMemory) {
      await flush();
      results.push(await applyEvent(tx, ctx, event, { open: existing, service }));
      // Keep the open-alert map true without reading it all again: a trigger changed only its own key;
      // a resolve may resolve its incident and with it the incident's other alerts.
      if (input.action === 'resolve') openFrom = -1;
      else if (input.action === 'trigger' && event.dedupKey) {
        open.delete(key);
        const [now] = await findOpenAlerts(tx, [{ integrationId: event.integrationId, alertKey: event.dedupKey }]);
        if (now) open.set(key, now);
      }
      continue;
    }
    results.push(decision.kind);
    if (decision.kind === 'drop') continue;
    const details = customDetailsOf(event);
    const content = contentOfEvent(event, details);
    if (decision.kind === 'update-existing-alert') {
      if (existing?.incidentId) {
        pending.logEntries.push(
          logEntryValues(newObjectId(), {
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
    const alertId = newObjectId();
    if (decision.kind === 'suppressed') {
      // Stored resolved (see alertValues): not an open alert, so not in `open`.
      pending.alerts.push(alertValues(event, { id: alertId, content, details, suppressed: true, at }));
      continue;
    }
    // A new alert on a service without grouping opens its own incident.
    const incidentId = newObjectId();
    const logId = newObjectId();
    const cause = eventCause(event, alertId, content);
    const incident = eventIncident({ event, service, content, alertId, at }, policyOf(service), null, cause);
    const transition = lifecycle.openIncident({
      id: incidentId,
      title: incident.title,
      urgency: incident.urgency,
      assigneeIds: [],
      now: at,
      timeouts: timeoutsOf(service),
    });
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
    pending.incidents.push({
      row: incidentValues(incidentId, incident, logId, at) as Omit<IncidentRow, 'number'>,
      changes: transition.changes,
      timers: transition.timers.flatMap((t) => ('arm' in t ? [{ incidentId, kind: t.kind, dueAt: t.arm }] : [])),
      at,
      integrationId: event.integrationId,
    });
    open.set(key, { ...alertKeys(event), id: alertId, incidentId, status: 'triggered' });
    ctx.log.info({ incidentId, serviceId: event.serviceId, alertId }, 'incident_opened');
  }
  await flush();
  return results;
}

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
    counts: new Map([[id, { all: 1, triggered: 1, resolved: 0 }]]),
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

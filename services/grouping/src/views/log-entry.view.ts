import type { Executor } from '@klaxon/db';
import { findEntities, type IncidentRow, type LogEntryRow, type ServiceSnapshot, type UserSnapshot } from '../db';
import { actorRef } from './incident.view';
import type { GroupingUrls } from './urls';

const SUMMARIES: Record<string, string> = {
  trigger: 'Triggered',
  acknowledge: 'Acknowledged',
  unacknowledge: 'Unacknowledged',
  resolve: 'Resolved',
  assign: 'Assigned',
  escalate: 'Escalated',
  urgency_change: 'Urgency changed',
  snooze: 'Snoozed',
  annotate: 'Note added',
  notify: 'Notified',
  repeat_escalation_path: 'Escalation path repeated',
  exhaust_escalation_path: 'Escalation path exhausted',
};

function summary(row: LogEntryRow, agentName: string | undefined): string {
  const verb = SUMMARIES[row.type] ?? row.type;
  if (row.channel.type === 'timeout') return `${verb} due to timeout`;
  return agentName ? `${verb} by ${agentName}` : `${verb} through the ${row.channel.type}`;
}

export interface LogEntryExtras {
  users: Map<string, UserSnapshot>;
  services: Map<string, ServiceSnapshot>;
  incidents: Map<string, IncidentRow>;
}

export function logEntryView(
  urls: GroupingUrls,
  row: LogEntryRow,
  x: LogEntryExtras,
  include: ReadonlySet<string> = new Set(),
) {
  const user = row.agent?.type === 'user' ? x.users.get(row.agent.id) : undefined;
  const service = x.services.get(row.serviceId);
  const incident = x.incidents.get(row.incidentId);
  const ref = urls.logEntryRef(row.id, row.type, summary(row, user?.name));
  return {
    ...ref,
    type: `${row.type}_log_entry`,
    created_at: row.createdAt.toISOString(),
    agent: actorRef(urls, row.agent, x.users),
    channel: include.has('channels')
      ? row.channel
      : {
          type: row.channel.type,
          ...(row.channel.summary ? { summary: row.channel.summary } : {}),
          ...(row.type === 'trigger' ? row.channel : {}),
        },
    service:
      include.has('services') && service ? service : urls.ref('service', row.serviceId, service?.name ?? row.serviceId),
    incident: urls.ref(
      'incident',
      row.incidentId,
      incident ? `[#${incident.number}] ${incident.title}` : row.incidentId,
    ),
    teams: (service?.teams ?? []).map((t) => urls.ref('team', t.id, t.summary ?? t.id)),
    contexts: [],
    ...(row.note !== null ? { note: row.note } : {}),
    ...row.extra,
  };
}

export async function loadLogExtras(
  ex: Executor,
  rows: readonly LogEntryRow[],
  incidents: Map<string, IncidentRow>,
): Promise<LogEntryExtras> {
  return {
    users: await findEntities<UserSnapshot>(
      ex,
      'user',
      rows.filter((r) => r.agent?.type === 'user').map((r) => r.agent?.id ?? ''),
    ),
    services: await findEntities<ServiceSnapshot>(
      ex,
      'service',
      rows.map((r) => r.serviceId),
    ),
    incidents,
  };
}

import type { AlertRow, IncidentRow, ServiceSnapshot } from '../db';
import type { GroupingUrls } from './urls';

/** PagerDuty's alert object; `cef_details` carries the PD-CEF fields as real payloads do. */
export function alertView(
  urls: GroupingUrls,
  row: AlertRow,
  x: { service?: ServiceSnapshot | undefined; incident?: IncidentRow | undefined },
  include: ReadonlySet<string> = new Set(),
) {
  const incidentRef = row.incidentId
    ? include.has('incidents') && x.incident
      ? {
          id: x.incident.id,
          type: 'incident',
          summary: `[#${x.incident.number}] ${x.incident.title}`,
          status: x.incident.status,
        }
      : urls.ref(
          'incident',
          row.incidentId,
          x.incident ? `[#${x.incident.number}] ${x.incident.title}` : row.incidentId,
        )
    : null;
  return {
    id: row.id,
    type: 'alert',
    summary: row.summary,
    self: row.incidentId ? urls.alertSelf(row.incidentId, row.id) : null,
    html_url: null,
    created_at: row.createdAt.toISOString(),
    status: row.status,
    resolved_at: row.resolvedAt?.toISOString() ?? null,
    alert_key: row.alertKey,
    suppressed: row.suppressed,
    severity: row.severity,
    service:
      include.has('services') && x.service
        ? x.service
        : urls.ref('service', row.serviceId, x.service?.name ?? row.serviceId),
    incident: incidentRef,
    first_trigger_log_entry: row.firstTriggerLogEntryId
      ? urls.logEntryRef(row.firstTriggerLogEntryId, 'trigger', 'Triggered')
      : null,
    integration: {
      id: row.integrationId,
      type: 'inbound_integration_reference',
      summary: row.integrationId,
      self: null,
      html_url: null,
    },
    body: {
      type: 'alert_body',
      contexts: row.contexts,
      details: row.customDetails ?? {},
      cef_details: {
        summary: row.summary,
        source_origin: row.source,
        severity: row.severity,
        source_component: row.component,
        source_class: row.class,
        service_group: row.group,
        details: row.customDetails ?? {},
        contexts: row.contexts,
        client: row.client,
        client_url: row.clientUrl,
        dedup_key: row.alertKey,
        event_class: row.class,
        // The sender's payload.timestamp; alerts stored before it was kept show when they were created.
        timestamp: row.eventTimestamp ?? row.createdAt.toISOString(),
      },
    },
  };
}

import type { Urls } from '@klaxon/rest';
import type { MaintenanceWindowRow } from '../db';

export interface MaintenanceWindowRecord {
  window: MaintenanceWindowRow;
  services: { id: string; name: string }[];
  teams: { id: string; name: string }[];
  createdBy: { id: string; name: string } | null;
}

/**
 * A maintenance window as REST API v2 renders it, and as catalog.changes carries it (ingest reads
 * `start_time`, `end_time` and `services[].id`).
 */
export function maintenanceWindowView(urls: Urls, record: MaintenanceWindowRecord) {
  const { window: w } = record;
  return {
    id: w.id,
    type: 'maintenance_window',
    summary: w.description ?? `Maintenance window ${w.sequenceNumber}`,
    self: urls.self('maintenance_window', w.id),
    html_url: urls.html('maintenance_window', w.id),
    sequence_number: w.sequenceNumber,
    start_time: w.startTime.toISOString(),
    end_time: w.endTime.toISOString(),
    description: w.description ?? '',
    created_by: record.createdBy ? urls.ref('user', record.createdBy.id, record.createdBy.name) : null,
    services: record.services.map((s) => urls.ref('service', s.id, s.name)),
    teams: record.teams.map((t) => urls.ref('team', t.id, t.name)),
  };
}

/** The webhooks v3 event types Klaxon emits from incidents.changed (and the ping). */
export const incidentEventTypes = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.unacknowledged',
  'incident.resolved',
  'incident.reopened',
  'incident.escalated',
  'incident.reassigned',
  'incident.delegated',
  'incident.priority_updated',
  'incident.annotated',
  'incident.responder.added',
  'incident.status_update_published',
] as const;

/** Every event type a subscription may list (the spec's, including ones Klaxon does not emit yet). */
export const subscribableEventTypes = new Set<string>([
  ...incidentEventTypes,
  'incident.responder.replied',
  'incident.service_updated',
  'incident.incident_type.changed',
  'incident.conference_bridge.updated',
  'incident.custom_field_values.updated',
  'incident.role.assigned',
  'incident.task.created',
  'incident.task.updated',
  'incident.task.completed',
  'incident.action_invocation.created',
  'incident.action_invocation.updated',
  'incident.action_invocation.terminated',
  'incident.workflow.started',
  'incident.workflow.completed',
  'service.created',
  'service.updated',
  'service.deleted',
  'service.custom_field_values.updated',
  'pagey.ping',
]);

type Json = Record<string, unknown>;

/** The incident as webhooks v3 carry it: `number` and `assignees`, not the REST view's names. */
export function incidentData(view: Json): Json {
  const assignments = Array.isArray(view.assignments) ? (view.assignments as { assignee?: Json }[]) : [];
  return {
    id: view.id,
    type: 'incident',
    self: view.self ?? null,
    html_url: view.html_url ?? null,
    number: view.incident_number ?? null,
    status: view.status,
    incident_key: view.incident_key ?? null,
    created_at: view.created_at ?? null,
    title: view.title,
    service: view.service ?? null,
    assignees: assignments.map((a) => a.assignee).filter((a) => a !== undefined),
    escalation_policy: view.escalation_policy ?? null,
    teams: Array.isArray(view.teams) ? view.teams : [],
    priority: view.priority ?? null,
    urgency: view.urgency,
    conference_bridge: view.conference_bridge ?? null,
    resolve_reason: view.resolve_reason ?? null,
    incident_type: { name: 'incident_default' },
  };
}

/** incident.annotated's data: the note (`incident_note`) with a reference to its incident. */
export function noteData(view: Json, noteId: string, content: string): Json {
  return {
    incident: {
      id: view.id,
      type: 'incident_reference',
      summary: view.summary ?? view.title ?? null,
      self: view.self ?? null,
      html_url: view.html_url ?? null,
    },
    id: noteId,
    content,
    type: 'incident_note',
  };
}

/** A service as service.created/updated/deleted carry it: the REST object (its last one when deleted). */
export function serviceData(snapshot: Json, id: string): Json {
  return { ...snapshot, id, type: 'service' };
}

/** The V3 envelope: exactly one event per POST. `occurred_at` is ISO 8601 in UTC with milliseconds. */
export function envelope(event: {
  id: string;
  eventType: string;
  resourceType: 'incident' | 'service' | 'pagey';
  occurredAt: Date;
  agent: Json | null;
  data: Json;
}): string {
  return JSON.stringify({
    event: {
      id: event.id,
      event_type: event.eventType,
      resource_type: event.resourceType,
      occurred_at: event.occurredAt.toISOString(),
      agent: event.agent,
      client: null,
      data: event.data,
    },
  });
}

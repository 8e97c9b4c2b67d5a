import { pagerDutyErrorSchema } from '@klaxon/kit';
import {
  anyObject,
  arrayOf,
  boolean,
  dateTime,
  integer,
  listBody,
  nullableText,
  objectBody,
  referenceBody,
  text,
  wrappedBody,
} from '@klaxon/rest';

// Grouping's answers as its views render them (views/*.view.ts): the OpenAPI document's response
// schemas, checked against every answer in the route tests.

const nullableReference = { ...referenceBody, nullable: true } as const;
/** A service or policy snapshot with `include[]`, else its reference: either has an id and a type. */
const expandable = referenceBody;

/** A priority (views/priority.view.ts). */
export const priorityBody = objectBody('priority', { name: text, description: text });

export const incidentBody = objectBody('incident', {
  incident_number: integer,
  title: text,
  created_at: dateTime,
  updated_at: dateTime,
  status: { type: 'string', enum: ['triggered', 'acknowledged', 'resolved'] },
  incident_key: nullableText,
  service: expandable,
  assignments: arrayOf({
    type: 'object',
    required: ['at', 'assignee'],
    properties: { at: text, assignee: referenceBody },
  }),
  assigned_via: nullableText,
  last_status_change_at: dateTime,
  last_status_change_by: nullableReference,
  resolved_at: { ...dateTime, nullable: true },
  first_trigger_log_entry: nullableReference,
  alert_counts: {
    type: 'object',
    required: ['all', 'triggered', 'resolved'],
    properties: { all: integer, triggered: integer, resolved: integer },
  },
  is_mergeable: boolean,
  incident_type: anyObject,
  escalation_policy: { ...expandable, nullable: true },
  teams: arrayOf(referenceBody),
  pending_actions: arrayOf({ type: 'object', required: ['type', 'at'], properties: { type: text, at: text } }),
  acknowledgements: arrayOf({
    type: 'object',
    required: ['at'],
    properties: { at: text, acknowledger: nullableReference },
  }),
  alert_grouping: { ...anyObject, nullable: true },
  priority: { ...anyObject, nullable: true },
  resolve_reason: { ...anyObject, nullable: true },
  conference_bridge: { ...anyObject, nullable: true },
  urgency: { type: 'string', enum: ['high', 'low'] },
  body: { type: 'object', properties: { type: text, details: {} } },
});

export const oneIncident = wrappedBody('incident', incidentBody);
export const incidentList = listBody('incidents', incidentBody);

/** An alert (views/alert.view.ts). */
export const alertBody = objectBody('alert', {
  created_at: dateTime,
  status: { type: 'string', enum: ['triggered', 'resolved'] },
  resolved_at: { ...dateTime, nullable: true },
  alert_key: nullableText,
  suppressed: boolean,
  severity: text,
  service: expandable,
  incident: nullableReference,
  first_trigger_log_entry: nullableReference,
  body: anyObject,
});

/** A log entry (views/log-entry.view.ts); its type is `<kind>_log_entry`. */
export const logEntryBody = {
  type: 'object',
  required: ['id', 'type', 'created_at'],
  properties: {
    id: text,
    type: { type: 'string', pattern: '_log_entry$' },
    summary: text,
    self: nullableText,
    html_url: nullableText,
    created_at: dateTime,
    agent: nullableReference,
    channel: anyObject,
    service: expandable,
    incident: referenceBody,
    teams: arrayOf(referenceBody),
    contexts: arrayOf(anyObject),
  },
} as const;

/** A note on an incident. */
export const noteBody = {
  type: 'object',
  required: ['id', 'content', 'created_at'],
  properties: { id: text, user: referenceBody, channel: anyObject, content: text, created_at: dateTime },
} as const;

/** A change event (views/change-event.view.ts). */
export const changeEventBody = objectBody('change_event', {
  timestamp: dateTime,
  source: nullableText,
  integration: referenceBody,
  services: arrayOf(referenceBody),
  custom_details: anyObject,
  links: arrayOf(anyObject),
  images: arrayOf(anyObject),
});

/** A status update posted on an incident. */
export const statusUpdateBody = {
  type: 'object',
  required: ['id', 'message', 'sender', 'created_at'],
  properties: {
    id: text,
    message: text,
    sender: referenceBody,
    created_at: dateTime,
    subject: text,
    html_message: nullableText,
  },
} as const;

/** A responder request (views/responders.view.ts). */
export const responderRequestBody = {
  type: 'object',
  required: ['id'],
  properties: {
    id: text,
    incident: referenceBody,
    requester: referenceBody,
    requested_at: dateTime,
    message: text,
    responder_request_targets: arrayOf(anyObject),
  },
} as const;

/** An HTML page (the one-click action links answer people, not programs). */
export const htmlPage = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});

/** A page, or PagerDuty's JSON error when the router refuses first (a token longer than any token). */
export const htmlPageOrError = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } }, 'application/json': { schema: pagerDutyErrorSchema } },
});

import { createHash } from 'node:crypto';

/** A field of an audit record's `details`: PagerDuty gives every value as a string (or null). */
export interface AuditField {
  name: string;
  value?: string | null;
  before_value?: string | null;
}
export interface AuditReference {
  id: string;
  type: string;
  summary?: string;
}
export interface AuditReferenceChange {
  name: string;
  added?: AuditReference[];
  removed?: AuditReference[];
}
/** What changed on one resource; `resource` is added when the record is rendered. */
export interface AuditDetails {
  fields?: AuditField[];
  references?: AuditReferenceChange[];
}
export type AuditAction = 'create' | 'update' | 'delete';
export const auditActions: readonly AuditAction[] = ['create', 'update', 'delete'];

/** The aggregates PagerDuty files records under (`root_resource_types[]`). */
export const rootResourceTypes = [
  'users',
  'teams',
  'schedules',
  'escalation_policies',
  'services',
  'ip_allow_lists',
] as const;

// A root's REST path type and the reference type PagerDuty gives it. Maintenance windows and tags
// belong to no PagerDuty aggregate; they are their own roots so their changes are kept too.
const rootReferenceTypes: Record<string, string> = {
  users: 'user_reference',
  teams: 'team_reference',
  schedules: 'schedule_reference',
  escalation_policies: 'escalation_policy_reference',
  services: 'service_reference',
  maintenance_windows: 'maintenance_window_reference',
  tags: 'tag_reference',
};
export const rootReferenceType = (rootType: string): string => rootReferenceTypes[rootType] ?? `${rootType}_reference`;
/** The catalog.changes entity type of a root (`escalation_policies` -> `escalation_policy`). */
export const rootEntityType = (rootType: string): string => rootReferenceType(rootType).replace(/_reference$/, '');

type Snapshot = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const refId = (v: unknown): string | undefined =>
  v && typeof v === 'object' ? str((v as { id?: unknown }).id) : undefined;

interface AuditedType {
  /** The aggregate (REST path type) the entity's records are filed under. */
  root: string;
  /** The aggregate's id when it is not the entity itself. */
  rootId?: (s: Snapshot) => string | undefined;
  /** Fields derived from other entities or constant: their changes are recorded where they are made. */
  derived?: readonly string[];
}

// Every entity type catalog.changes carries, by its catalog.changes name.
const auditedTypes: Record<string, AuditedType> = {
  user: { root: 'users', derived: ['invitation_sent', 'created_via_sso'] },
  api_token: { root: 'users', rootId: (s) => refId(s.user), derived: ['user'] },
  contact_method: { root: 'users', rootId: (s) => refId(s.user), derived: ['user', 'blacklisted'] },
  // A rule's snapshot names its user only in its own link (`/users/{id}/notification_rules/{id}`).
  notification_rule: {
    root: 'users',
    rootId: (s) => /\/users\/([^/]+)\/notification_rules\//.exec(str(s.self) ?? '')?.[1],
  },
  team: { root: 'teams' },
  escalation_policy: { root: 'escalation_policies', derived: ['services'] },
  schedule: { root: 'schedules', derived: ['users', 'escalation_policies'] },
  schedule_override: { root: 'schedules', rootId: (s) => refId(s.schedule), derived: ['schedule'] },
  service: { root: 'services', derived: ['integrations', 'teams', 'last_incident_timestamp'] },
  integration: { root: 'services', rootId: (s) => refId(s.service) },
  maintenance_window: { root: 'maintenance_windows', derived: ['teams', 'sequence_number'] },
  tag: { root: 'tags' },
};

// Identity and links are the record's `resource`, not changes.
const identityFields = new Set(['id', 'type', 'summary', 'self', 'html_url', 'created_at', 'updated_at', 'version']);

/** Field names holding secrets (integration_key, token_hash, ...): never stored nor shown. */
const secretField = /(^|_)(key|token|secret|password)(_hash)?$/;
const redactedValue = '[REDACTED]';

/**
 * Secrets replaced by a short digest: a regenerated key still shows as a change, and the audit
 * tables never hold a usable secret.
 */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      secretField.test(k) && v !== null && v !== undefined
        ? `redacted:${createHash('sha256').update(String(v)).digest('hex').slice(0, 16)}`
        : redact(v),
    ]),
  );
}

export interface AuditedState {
  summary: string | null;
  /** The entity's reference type (`email_contact_method_reference`, ...). */
  resourceType: string;
  rootType: string;
  rootId: string;
  /** The audited fields, secrets redacted. */
  state: Snapshot;
}

/**
 * What the audit trail keeps of a catalog.changes snapshot, or undefined for an entity type it does
 * not audit. The aggregate is the entity itself unless its type names a parent.
 */
export function auditedState(entityType: string, entityId: string, snapshot: Snapshot): AuditedState | undefined {
  const audited = auditedTypes[entityType];
  if (!audited) return undefined;
  const derived = new Set(audited.derived ?? []);
  const kept = Object.entries(snapshot).filter(([k]) => !identityFields.has(k) && !derived.has(k));
  return {
    summary: str(snapshot.summary) ?? str(snapshot.name) ?? null,
    resourceType: `${str(snapshot.type) ?? entityType}_reference`,
    rootType: audited.root,
    rootId: audited.rootId?.(snapshot) ?? entityId,
    state: redact(Object.fromEntries(kept)) as Snapshot,
  };
}

/**
 * The state to file a deletion under when the trail never saw the entity (it is older than the
 * trail): known only for an entity that is its own aggregate, since a tombstone names no parent.
 */
export function unseenState(entityType: string, entityId: string): AuditedState | undefined {
  const audited = auditedTypes[entityType];
  if (!audited || audited.rootId) return undefined;
  return {
    summary: null,
    resourceType: `${entityType}_reference`,
    rootType: audited.root,
    rootId: entityId,
    state: {},
  };
}

const isReference = (v: unknown): v is AuditReference =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof (v as { id?: unknown }).id === 'string' &&
  typeof (v as { type?: unknown }).type === 'string' &&
  (v as { type: string }).type.endsWith('_reference');

/** References a field holds (one reference or a list of them), or undefined when it holds other data. */
function referencesOf(v: unknown): AuditReference[] | undefined {
  if (v === null || v === undefined) return [];
  if (isReference(v)) return [v];
  if (Array.isArray(v) && v.every(isReference)) return v;
  return undefined;
}

const shortRef = (r: AuditReference): AuditReference => ({
  id: r.id,
  type: r.type,
  ...(typeof r.summary === 'string' ? { summary: r.summary } : {}),
});

function fieldValue(name: string, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (secretField.test(name)) return redactedValue;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * The `fields` and `references` of a record: on create every audited field's value, on delete its
 * `before_value`, on update only what changed with both. Empty when nothing audited changed.
 */
export function auditDetails(before: Snapshot | null, after: Snapshot | null): AuditDetails {
  const fields: AuditField[] = [];
  const references: AuditReferenceChange[] = [];
  const names = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])];
  for (const name of names) {
    const was = before?.[name];
    const now = after?.[name];
    const wasRefs = referencesOf(was);
    const nowRefs = referencesOf(now);
    if (wasRefs && nowRefs && (wasRefs.length > 0 || nowRefs.length > 0)) {
      const wasIds = new Set(wasRefs.map((r) => r.id));
      const nowIds = new Set(nowRefs.map((r) => r.id));
      const added = nowRefs.filter((r) => !wasIds.has(r.id)).map(shortRef);
      const removed = wasRefs.filter((r) => !nowIds.has(r.id)).map(shortRef);
      if (added.length || removed.length) {
        references.push({ name, ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}) });
      }
      continue;
    }
    if (before && after && JSON.stringify(was ?? null) === JSON.stringify(now ?? null)) continue;
    if (wasRefs && nowRefs) continue; // an empty list on both sides
    fields.push({
      name,
      ...(after ? { value: fieldValue(name, now) } : {}),
      ...(before ? { before_value: fieldValue(name, was) } : {}),
    });
  }
  return { ...(fields.length ? { fields } : {}), ...(references.length ? { references } : {}) };
}

export const hasChanges = (d: AuditDetails): boolean => !!(d.fields?.length || d.references?.length);

/**
 * A user's `teams` changing is also each team's `members` changing, filed under the team as
 * PagerDuty files membership (`/teams/{id}/audit/records`): one change per team joined or left.
 */
export function membershipChanges(
  user: AuditReference,
  details: AuditDetails,
): { team: AuditReference; details: AuditDetails }[] {
  const teams = details.references?.find((r) => r.name === 'teams');
  const member = shortRef(user);
  return [
    ...(teams?.added ?? []).map((team) => ({ team, details: { references: [{ name: 'members', added: [member] }] } })),
    ...(teams?.removed ?? []).map((team) => ({
      team,
      details: { references: [{ name: 'members', removed: [member] }] },
    })),
  ];
}

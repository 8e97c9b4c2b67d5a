import type { Urls } from '@klaxon/rest';
import type { AuditRecordRow } from '../db';

// A reference type's object type (`escalation_policy_reference` -> `escalation_policy`), for links.
const objectType = (referenceType: string) => referenceType.replace(/_reference$/, '');

/** A reference to a root resource or actor, with links for the types that have their own path. */
function reference(urls: Urls, referenceType: string, id: string, summary: string | null) {
  const type = objectType(referenceType);
  return { ...urls.ref(type, id, summary ?? id), type: referenceType };
}

/** An audit record as PagerDuty's `/audit/records` renders it. */
export function auditRecordView(urls: Urls, row: AuditRecordRow, rootReferenceType: string) {
  return {
    id: row.id,
    self: null,
    execution_time: row.executionTime.toISOString(),
    execution_context: { request_id: row.requestId, remote_address: row.remoteAddress },
    actors: row.actorId ? [reference(urls, 'user_reference', row.actorId, row.actorSummary)] : null,
    method: {
      type: row.methodType,
      truncated_token: row.methodTruncatedToken,
      ...(row.methodDescription ? { description: row.methodDescription } : {}),
    },
    root_resource: reference(urls, rootReferenceType, row.rootId, row.rootSummary),
    action: row.action,
    details: {
      resource: { id: row.resourceId, type: row.resourceType, summary: row.resourceSummary ?? row.resourceId },
      ...row.details,
    },
  };
}

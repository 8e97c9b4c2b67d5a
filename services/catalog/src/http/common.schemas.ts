import {
  arrayOf,
  includeQuery,
  objectBody,
  objectOrReference,
  paginationQuery,
  referenceBody,
  text,
} from '@klaxon/rest';

/** `{id}` path parameter. */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;

/** A reference given on input: PagerDuty reads only `id` (and checks `type` where it matters). */
export const refInput = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 }, type: { type: 'string' } },
} as const;

const includeProperty = (values: readonly string[]) => (values.length > 0 ? { 'include[]': includeQuery(values) } : {});

/** A list endpoint's querystring: pagination, `include[]`, plus the endpoint's own filters. */
export function listQuery(include: readonly string[], extra: Record<string, object> = {}) {
  return {
    type: 'object',
    properties: { ...paginationQuery, ...includeProperty(include), ...extra },
  } as const;
}

/** A show endpoint's querystring: `include[]` only. */
export function showQuery(include: readonly string[]) {
  return { type: 'object', properties: includeProperty(include) } as const;
}

/** `{"<root>": {...}}`: PagerDuty wraps every request body in the singular name of the object. */
export function wrapped(root: string, inner: object, required = true) {
  return {
    type: 'object',
    required: required ? [root] : [],
    properties: { [root]: inner },
  } as const;
}

export const queryText = {
  type: 'string',
  description: 'Filters the result, showing only records whose name matches.',
};

/** A team as rendered (views/team.view.ts); services, policies and users embed it with `include[]=teams`. */
export const teamBody = objectBody('team', {
  name: text,
  description: text,
  default_role: text,
  parent: { ...referenceBody, nullable: true },
});

/** A list of teams or their references, as `include[]=teams` decides. */
export const teamsBody = arrayOf(objectOrReference(teamBody));

import type { Image, Link, Payload } from '@klaxon/contracts';
import { findUnstorable, type Unstorable, unstorableText } from '@klaxon/kit';

/** A message's plain fields: the bus contract's shape, without protobuf-es's type tag. */
type Fields<M> = Omit<M, '$typeName' | '$unknown'>;

/**
 * What a validated Events API request becomes before routing: API-neutral, PD-CEF shaped. The
 * payload, images and links are the events.accepted contract's own (custom details serialized once
 * here), so nothing is copied field by field on the way to the bus.
 */
export interface EventDraft {
  /** The integration key the sender gave (routing_key / service_key). */
  key: string;
  action: 'trigger' | 'acknowledge' | 'resolve' | 'change';
  /** Absent on a trigger that gave none: ingest generates one. */
  dedupKey: string | undefined;
  payload: Fields<Payload>;
  images: Fields<Image>[];
  links: Fields<Link>[];
  client: string;
  clientUrl: string;
}

export type Validation = { ok: true; draft: EventDraft } | { ok: false; errors: string[] };

export const KEY_LENGTH = 32;
export const MAX_DEDUP_KEY = 255;
export const MAX_SUMMARY = 1024;
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
/**
 * Levels of objects and arrays allowed in custom_details / details, the object itself being the
 * first. PagerDuty states no limit; without one, a few thousand levels exhaust JSON.stringify's
 * stack and the sender gets a retryable 503 for an event that can never be stored.
 */
export const MAX_DETAILS_DEPTH = 100;

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects PagerDuty-style messages, one per problem, naming the field. */
export class Problems {
  readonly list: string[] = [];

  missing(field: string): void {
    this.list.push(`'${field}' is missing or blank`);
  }

  /** An optional string field: absent or null is fine; anything else must be a string within max. */
  optionalString(obj: Json, name: string, path: string, max?: number): string {
    const v = obj[name];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') {
      this.list.push(`'${path}' must be a string`);
      return '';
    }
    if (max !== undefined && v.length > max) this.tooLong(path, max);
    this.storable(v, path);
    return v;
  }

  requiredString(obj: Json, name: string, path: string, max?: number): string {
    const v = obj[name];
    if (typeof v === 'string' && v.trim() !== '') {
      if (max !== undefined && v.length > max) this.tooLong(path, max);
      this.storable(v, path);
      return v;
    }
    if (v === undefined || v === null || v === '' || typeof v === 'string') this.missing(path);
    else this.list.push(`'${path}' must be a string`);
    return '';
  }

  key(obj: Json, name: string): string {
    const v = this.requiredString(obj, name, name);
    if (v && v.length !== KEY_LENGTH) {
      this.list.push(`Length of '${name}' is incorrect (should be ${KEY_LENGTH} characters)`);
    }
    return v;
  }

  oneOf<T extends string>(obj: Json, name: string, path: string, allowed: readonly T[], quoted = true): T | undefined {
    const v = obj[name];
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    const label = quoted ? `'${path}'` : path;
    if (v === undefined || v === null || v === '') this.missing(path);
    else this.list.push(`${label} is invalid (must be one of: ${allowed.join(' ')})`);
    return undefined;
  }

  tooLong(path: string, max: number): void {
    this.list.push(`Length of '${path}' is incorrect (should be at most ${max} characters)`);
  }

  /** ISO 8601 date-time as the sender gave it; absent means "now". */
  timestamp(obj: Json, name: string, path: string): string | undefined {
    const v = obj[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !ISO_8601.test(v) || Number.isNaN(Date.parse(normalizeOffset(v)))) {
      this.list.push(`'${path}' must be an ISO 8601 date-time`);
      return undefined;
    }
    return v;
  }

  /**
   * A 202 promises an alert, so text PostgreSQL can never store is refused here rather than lost
   * later: text columns refuse NUL, and jsonb refuses both NUL and an unpaired surrogate (which
   * JSON.stringify writes as a bare \udXXX escape).
   */
  storable(v: string, path: string): boolean {
    const problem = unstorableText(v);
    if (problem) this.list.push(`'${path}' must not contain ${problem}`);
    return !problem;
  }

  /** custom_details / details: a JSON object, kept verbatim once every key, string and number in it is storable. */
  details(obj: Json, name: string, path: string): string {
    const v = obj[name];
    if (v === undefined || v === null) return '';
    if (!isObject(v)) {
      this.list.push(`'${path}' must be an object`);
      return '';
    }
    const found = findUnstorable(v, path, MAX_DETAILS_DEPTH);
    if (found) this.list.push(describeUnstorable(found));
    return found ? '' : JSON.stringify(v);
  }
}

function describeUnstorable(found: Unstorable): string {
  switch (found.kind) {
    case 'text':
      return `'${found.path}' must not contain ${found.problem}`;
    case 'key':
      return `'${found.path}' must not contain a key with ${found.problem}`;
    case 'number':
      return `'${found.path}' must be a finite number`;
    case 'depth':
      return `'${found.path}' is nested too deeply (at most ${MAX_DETAILS_DEPTH} levels)`;
  }
}

// 2015-07-17T08:42:58.315+0000, 2015-07-17T08:42:58Z, 2015-07-17T08:42:58.315+00:00, 2015-07-17
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
// Date.parse does not take "+0000"; PagerDuty's own examples use it.
const normalizeOffset = (v: string): string => v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');

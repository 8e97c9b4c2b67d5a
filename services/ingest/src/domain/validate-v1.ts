import {
  ACTIONS,
  type EventDraft,
  isObject,
  type Json,
  MAX_DEDUP_KEY,
  MAX_SUMMARY,
  Problems,
  type Validation,
} from './event-draft';

function contexts(p: Problems, body: Json): Pick<EventDraft, 'images' | 'links'> {
  const out: Pick<EventDraft, 'images' | 'links'> = { images: [], links: [] };
  const v = body.contexts;
  if (v === undefined || v === null) return out;
  if (!Array.isArray(v)) {
    p.list.push(`'contexts' must be an array`);
    return out;
  }
  v.forEach((item: unknown, i) => {
    if (!isObject(item)) {
      p.list.push(`'contexts[${i}]' must be an object`);
      return;
    }
    const type = p.oneOf(item, 'type', `contexts[${i}].type`, ['link', 'image'] as const);
    if (type === 'link') {
      out.links.push({
        href: p.requiredString(item, 'href', `contexts[${i}].href`),
        text: p.optionalString(item, 'text', `contexts[${i}].text`),
      });
    } else if (type === 'image') {
      out.images.push({
        src: p.requiredString(item, 'src', `contexts[${i}].src`),
        href: p.optionalString(item, 'href', `contexts[${i}].href`),
        alt:
          p.optionalString(item, 'alt', `contexts[${i}].alt`) || p.optionalString(item, 'text', `contexts[${i}].text`),
      });
    }
  });
  return out;
}

/**
 * POST /generic/2010-04-15/create_event.json: Events API v1. The draft is mapped onto PD-CEF as
 * PagerDuty does: description -> summary, details -> custom_details, client -> source.
 */
export function validateV1Event(body: Json, now: Date): Validation {
  const p = new Problems();
  const key = p.key(body, 'service_key');
  // PagerDuty's own v1 message names event_type without quotes.
  const action = p.oneOf(body, 'event_type', 'event_type', ACTIONS, false);
  const incidentKey = p.optionalString(body, 'incident_key', 'incident_key', MAX_DEDUP_KEY) || undefined;
  if (action && action !== 'trigger' && !incidentKey) p.missing('incident_key');
  const description =
    action === 'trigger'
      ? p.requiredString(body, 'description', 'description', MAX_SUMMARY)
      : p.optionalString(body, 'description', 'description', MAX_SUMMARY);
  const client = p.optionalString(body, 'client', 'client');
  const draft: EventDraft = {
    key,
    action: action ?? 'trigger',
    dedupKey: incidentKey,
    payload: {
      summary: description,
      source: client,
      severity: action === 'trigger' ? 'error' : '',
      timestamp: now.toISOString(),
      component: '',
      group: '',
      class: '',
      customDetailsJson: p.details(body, 'details', 'details'),
    },
    ...contexts(p, body),
    client,
    clientUrl: p.optionalString(body, 'client_url', 'client_url'),
  };
  if (p.list.length > 0) return { ok: false, errors: p.list };
  return { ok: true, draft };
}

import {
  ACTIONS,
  type EventDraft,
  isObject,
  type Json,
  MAX_DEDUP_KEY,
  MAX_SUMMARY,
  Problems,
  SEVERITIES,
  type Validation,
} from './event-draft';

function images(p: Problems, body: Json): EventDraft['images'] {
  const v = body.images;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.list.push(`'images' must be an array`);
    return [];
  }
  return v.map((item: unknown, i) => {
    if (!isObject(item)) {
      p.list.push(`'images[${i}]' must be an object`);
      return { src: '', href: '', alt: '' };
    }
    return {
      src: p.requiredString(item, 'src', `images[${i}].src`),
      href: p.optionalString(item, 'href', `images[${i}].href`),
      alt: p.optionalString(item, 'alt', `images[${i}].alt`),
    };
  });
}

export function links(p: Problems, body: Json): EventDraft['links'] {
  const v = body.links;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.list.push(`'links' must be an array`);
    return [];
  }
  return v.map((item: unknown, i) => {
    if (!isObject(item)) {
      p.list.push(`'links[${i}]' must be an object`);
      return { href: '', text: '' };
    }
    return {
      href: p.requiredString(item, 'href', `links[${i}].href`),
      text: p.optionalString(item, 'text', `links[${i}].text`),
    };
  });
}

/** POST /v2/enqueue: every rule of the Events API v2 alert event, every problem named. */
export function validateV2Event(body: Json, now: Date): Validation {
  const p = new Problems();
  const key = p.key(body, 'routing_key');
  const action = p.oneOf(body, 'event_action', 'event_action', ACTIONS);
  const dedupKey = p.optionalString(body, 'dedup_key', 'dedup_key', MAX_DEDUP_KEY) || undefined;
  if (action && action !== 'trigger' && !dedupKey) p.missing('dedup_key');

  let payload: EventDraft['payload'] = {
    summary: '',
    source: '',
    severity: '',
    timestamp: '',
    component: '',
    group: '',
    class: '',
    customDetailsJson: '',
  };
  const raw = body.payload;
  if (action === 'trigger' || (raw !== undefined && raw !== null)) {
    if (!isObject(raw)) {
      if (raw === undefined || raw === null) p.missing('payload');
      else p.list.push(`'payload' must be an object`);
    } else {
      const required = action === 'trigger';
      const str = (name: string, max?: number) =>
        required && ['summary', 'source'].includes(name)
          ? p.requiredString(raw, name, `payload.${name}`, max)
          : p.optionalString(raw, name, `payload.${name}`, max);
      payload = {
        summary: str('summary', MAX_SUMMARY),
        source: str('source'),
        severity:
          required || raw.severity !== undefined
            ? (p.oneOf(raw, 'severity', 'payload.severity', SEVERITIES) ?? '')
            : '',
        timestamp: p.timestamp(raw, 'timestamp', 'payload.timestamp') ?? now.toISOString(),
        component: p.optionalString(raw, 'component', 'payload.component'),
        group: p.optionalString(raw, 'group', 'payload.group'),
        class: p.optionalString(raw, 'class', 'payload.class'),
        customDetailsJson: p.details(raw, 'custom_details', 'payload.custom_details'),
      };
    }
  }
  const draft: EventDraft = {
    key,
    action: action ?? 'trigger',
    dedupKey,
    payload,
    images: images(p, body),
    links: links(p, body),
    client: p.optionalString(body, 'client', 'client'),
    clientUrl: p.optionalString(body, 'client_url', 'client_url'),
  };
  if (p.list.length > 0) return { ok: false, errors: p.list };
  return { ok: true, draft };
}

/** POST /v2/change/enqueue: a change event (no action, no dedup key, no severity). */
export function validateChangeEvent(body: Json, now: Date): Validation {
  const p = new Problems();
  const key = p.key(body, 'routing_key');
  const raw = body.payload;
  let payload: EventDraft['payload'] | undefined;
  if (!isObject(raw)) {
    if (raw === undefined || raw === null) p.missing('payload');
    else p.list.push(`'payload' must be an object`);
  } else {
    payload = {
      summary: p.requiredString(raw, 'summary', 'payload.summary', MAX_SUMMARY),
      source: p.optionalString(raw, 'source', 'payload.source'),
      severity: '',
      timestamp: p.timestamp(raw, 'timestamp', 'payload.timestamp') ?? now.toISOString(),
      component: '',
      group: '',
      class: '',
      customDetailsJson: p.details(raw, 'custom_details', 'payload.custom_details'),
    };
  }
  const draft = { key, images: images(p, body), links: links(p, body) };
  if (p.list.length > 0 || !payload) return { ok: false, errors: p.list };
  return {
    ok: true,
    draft: { ...draft, action: 'change', dedupKey: undefined, payload, client: '', clientUrl: '' },
  };
}

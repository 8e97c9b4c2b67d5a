import { inParallel, type Rest } from './rest-client';

// What the pipeline bench sends, and what the REST API must show for it afterwards.
//
// `unique`: trigger events with unique dedup keys over 20 services without grouping: the easy path,
// one event one incident. `hard`: the cases production sends (CONVENTIONS.md, Tests): repeats of
// open dedup keys, acknowledges and resolves of earlier keys, a storm of distinct alerts from one
// service (one partition of events.accepted), and services with time-based and content-based
// grouping, where many events make few incidents.

export type Mix = 'unique' | 'hard';
type Kind = 'plain' | 'burst' | 'time' | 'content';
type Action = 'trigger' | 'repeat' | 'acknowledge' | 'resolve';

/** PagerDuty's Events API limit per integration key and sliding minute, and the share the bench uses of it. */
const KEY_LIMIT_PER_MINUTE = 120;
const KEY_BUDGET = 0.8 * KEY_LIMIT_PER_MINUTE;
const SERVICES = 20;
const CONTENT_SOURCES = 5;

/** Shares of the hard mix (the rest are unique triggers on plain services). */
const HARD = { repeat: 0.1, acknowledge: 0.05, resolve: 0.05, time: 0.075, content: 0.075 };
/** The burst: half of all events go to one service for two seconds. */
const BURST = { share: 0.5, seconds: 2 };

interface ServicePlan {
  kind: Kind;
  grouping?: { type: string; config: Record<string, unknown> };
  keyCount: number;
}

export interface Service extends ServicePlan {
  id: string;
  keys: string[];
}

export interface PlannedEvent {
  seq: number;
  action: Action;
  kind: Kind;
  service: number;
  key: string;
  dedupKey: string;
  source: string;
  /** For repeat, acknowledge and resolve: the seq of the trigger whose dedup key it names. */
  target?: number;
}

/** Integration keys per kind so that no key passes KEY_BUDGET events in any minute of the run. */
function keysFor(events: number, durationS: number): number {
  const perMinute = (events / durationS) * Math.min(60, durationS);
  return Math.ceil(perMinute / KEY_BUDGET) + 1;
}

function servicePlans(mix: Mix, rate: number, durationS: number): ServicePlan[] {
  const total = rate * durationS;
  const kinds: Kind[] =
    mix === 'unique'
      ? Array(SERVICES).fill('plain')
      : ['burst', 'time', 'time', 'content', 'content', ...Array(SERVICES - 5).fill('plain')];
  const count = (k: Kind) => kinds.filter((x) => x === k).length;
  const burstEvents = mix === 'hard' ? rate * BURST.seconds * BURST.share : 0;
  const rest = total - burstEvents;
  const eventsOf: Record<Kind, number> = {
    plain: mix === 'unique' ? total : rest * (1 - HARD.time - HARD.content),
    time: rest * HARD.time,
    content: rest * HARD.content,
    // The burst lasts seconds, so its keys are sized for the burst, not for a minute.
    burst: burstEvents,
  };
  return kinds.map((kind) => {
    const keys = kind === 'burst' ? Math.ceil(burstEvents / KEY_BUDGET) + 1 : keysFor(eventsOf[kind], durationS);
    const plan: ServicePlan = { kind, keyCount: Math.max(1, Math.ceil(keys / count(kind))) };
    if (kind === 'time') plan.grouping = { type: 'time', config: { timeout: 30 } };
    if (kind === 'content') {
      plan.grouping = { type: 'content_based', config: { aggregate: 'all', fields: ['source'], time_window: 3600 } };
    }
    return plan;
  });
}

/** Services, their grouping and their Events API v2 integrations, made through the REST API in parallel. */
export async function createCatalog(rest: Rest, mix: Mix, rate: number, durationS: number): Promise<Service[]> {
  const plans = servicePlans(mix, rate, durationS);
  const services = await inParallel(
    plans.map((plan, i) => async () => {
      const { service } = await rest.call<{ service: { id: string } }>('POST', '/services', {
        service: { type: 'service', name: `bench ${plan.kind} ${i}` },
      });
      if (plan.grouping) {
        await rest.call('PUT', `/services/${service.id}`, {
          service: { type: 'service', alert_grouping_parameters: plan.grouping },
        });
      }
      return { ...plan, id: service.id, keys: [] as string[] };
    }),
    8,
  );
  const tasks = services.flatMap((s, i) =>
    Array.from({ length: s.keyCount }, (_, k) => async () => {
      const { integration } = await rest.call<{ integration: { integration_key: string } }>(
        'POST',
        `/services/${s.id}/integrations`,
        { integration: { type: 'events_api_v2_inbound_integration', name: `bench ${i}/${k}` } },
      );
      s.keys.push(integration.integration_key);
    }),
  );
  await inParallel(tasks, 16);
  return services;
}

/** A small deterministic generator, so two runs of the same rate send the same mix. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The events of one run, in send order; `rate` places the burst in time. */
export function planEvents(services: Service[], mix: Mix, rate: number, count: number, run: string): PlannedEvent[] {
  const rnd = random(count ^ rate);
  // Round-robin over every key of every service of a kind.
  const keysOf = new Map<Kind, { key: string; service: number }[]>();
  services.forEach((s, service) => {
    const list = keysOf.get(s.kind) ?? [];
    for (const key of s.keys) list.push({ key, service });
    keysOf.set(s.kind, list);
  });
  const cursors = new Map<Kind, number>();
  const pick = (k: Kind) => {
    const all = keysOf.get(k) ?? [];
    const n = cursors.get(k) ?? 0;
    cursors.set(k, n + 1);
    return all[n % all.length] as { key: string; service: number };
  };
  const events: PlannedEvent[] = [];
  const plainTriggers: number[] = [];
  let acted = 0; // plainTriggers before this index were acknowledged or resolved
  let ready = 0; // plainTriggers before this index were sent at least `lookback` events earlier
  const lookback = Math.max(1, rate); // act on keys sent at least a second earlier
  const burstFrom = Math.floor(count * 0.4);
  const burstTo = burstFrom + rate * BURST.seconds;
  const trigger = (seq: number, kind: Kind): PlannedEvent => {
    const { key, service } = pick(kind);
    const source = kind === 'content' ? `db-${seq % CONTENT_SOURCES}` : `host-${seq % 97}`;
    return { seq, action: 'trigger', kind, service, key, dedupKey: `${run}-${seq}`, source };
  };
  for (let seq = 0; seq < count; seq++) {
    if (mix === 'unique') {
      events.push(trigger(seq, 'plain'));
      continue;
    }
    const r = rnd();
    if (seq >= burstFrom && seq < burstTo && r < BURST.share) {
      events.push(trigger(seq, 'burst'));
      continue;
    }
    const u = rnd();
    let edge = HARD.repeat;
    while (ready < plainTriggers.length && (plainTriggers[ready] as number) <= seq - lookback) ready++;
    const actOn = (action: Action, target: number): PlannedEvent => {
      const t = events[target] as PlannedEvent;
      return { ...t, seq, action, target, source: t.source };
    };
    if (u < edge && ready > acted) {
      const target = plainTriggers[acted + Math.floor(rnd() * (ready - acted))] as number;
      events.push(actOn('repeat', target));
      continue;
    }
    edge += HARD.acknowledge + HARD.resolve;
    if (u < edge && ready > acted) {
      const target = plainTriggers[acted++] as number;
      events.push(actOn(u < edge - HARD.resolve ? 'acknowledge' : 'resolve', target));
      continue;
    }
    edge += HARD.time + HARD.content;
    const kind: Kind = u < edge - HARD.content ? 'time' : u < edge ? 'content' : 'plain';
    const e = trigger(seq, kind);
    if (kind === 'plain') plainTriggers.push(seq);
    events.push(e);
  }
  return events;
}

/** The Events API v2 body of an event; the summary carries the seq, so an incident's title names its event. */
export function eventBody(e: PlannedEvent): string {
  if (e.action === 'acknowledge' || e.action === 'resolve') {
    return JSON.stringify({ routing_key: e.key, event_action: e.action, dedup_key: e.dedupKey });
  }
  return JSON.stringify({
    routing_key: e.key,
    event_action: 'trigger',
    dedup_key: e.dedupKey,
    payload: {
      summary: `#${e.seq} ${e.kind === 'content' ? 'replication lag' : 'CPU load high'} on ${e.source}`,
      source: e.source,
      severity: 'critical',
      component: 'cpu',
      custom_details: { load: 0.97, cores: 8 },
    },
  });
}

export const seqOfTitle = (title: string): number | undefined => {
  const m = /^#(\d+) /.exec(title);
  return m ? Number(m[1]) : undefined;
};

export interface Expected {
  incidents: number;
  acknowledged: number;
  resolved: number;
}

/**
 * What the REST API must show once every accepted event is worked, from what was accepted (a refused
 * event makes nothing). Acknowledges and resolves count only when their trigger had been accepted
 * before they were sent, so the counts are lower bounds that hold whatever the order of appends.
 */
export function expectations(
  events: PlannedEvent[],
  accepted: (seq: number) => boolean,
  answeredAt: (seq: number) => number,
  sentAt: (seq: number) => number,
): Expected {
  const incidentKeys = new Set<string>();
  let acknowledged = 0;
  let resolved = 0;
  for (const e of events) {
    if (!accepted(e.seq)) continue;
    if (e.action === 'trigger' || e.action === 'repeat') {
      if (e.kind === 'plain' || e.kind === 'burst') incidentKeys.add(e.dedupKey);
      else if (e.kind === 'time') incidentKeys.add(`time-${e.service}`);
      else incidentKeys.add(`content-${e.service}-${e.source}`);
      continue;
    }
    const t = e.target as number;
    if (!accepted(t) || answeredAt(t) > sentAt(e.seq)) continue;
    if (e.action === 'acknowledge') acknowledged++;
    else resolved++;
  }
  return { incidents: incidentKeys.size, acknowledged, resolved };
}

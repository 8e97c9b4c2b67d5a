/**
 * The labelled, deterministic (seeded) alert streams of the grouping quality benchmark, shaped like
 * production rather than like a textbook:
 * - episodes: per service, 1-4 unrelated causes (mostly 2-4) start within minutes of each other and
 *   their alerts interleave (a database failover while a disk fills on another host while a
 *   certificate expires); episodes are 40 min to a few hours apart;
 * - one cause, many sources and wordings: every API host reports the database outage, each monitor
 *   in its own words, component and class; some signals ("5xx error rate") are said by several causes;
 * - one host in different causes: concurrent causes often pick the same host;
 * - noise: numbers, hex ids, durations, IPs, pod suffixes and host names vary per alert; repeat
 *   triggers on a dedup key; flapping (resolve and re-trigger mid-incident); a few singletons;
 *   some incidents never resolved by their monitors (left to auto-resolve).
 *
 * One JSON event per line, in time order: {at, service, integration, action, dedup_key, label?, split?,
 * payload?}. `label` (on triggers) is the true incident. `split` is `train` for incidents starting in
 * the first half of the span (responders' merges may be learned from it; `--tune` tunes on it only)
 * and `test` for the second half: the held-out part every figure is quoted on.
 *
 * The benchmark generates the set in memory; this file also writes it for inspection:
 * npx tsx services/grouping/bench/generate-alerts.ts [seed]  (-> bench/data/alerts.jsonl)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EntityKind, FAILURE_MODES, type FailureMode, type Role, type Signal } from './failure-modes';

export const DEFAULT_SEED = 20260302;
const SERVICES =
  'checkout payments search inventory auth notify billing catalog recommend shipping orders cart profile media ingest reporting gateway ledger fraud pricing feeds loyalty returns tax'.split(
    ' ',
  );
const WORDS = 'orders ledger users sessions carts invoices events audit catalog stock'.split(' ');
const VENDORS = 'stripe adyen twilio sendgrid shippo avalara maxmind algolia'.split(' ');
const ZONES = ['us-east-1a', 'us-east-1b', 'eu-west-1a', 'eu-west-1c'];
const JOBS = ['nightly-base-backup', 'wal-archive-verify', 'snapshot-export'];
const ROLE_HOSTS: Record<Role, number> = { web: 12, db: 4, cache: 3, worker: 6, broker: 3 };
const START = Date.parse('2026-03-02T00:00:00Z');
const HOURS = 64;
const MIN = 60_000;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchEvent {
  at: string;
  service: string;
  integration: string;
  action: 'trigger' | 'resolve';
  dedup_key: string;
  label?: string;
  split?: 'train' | 'test';
  payload?: Record<string, unknown>;
}

export function generate(seed = DEFAULT_SEED): BenchEvent[] {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const weighted = <T extends { weight: number }>(xs: readonly T[]): T => {
    let r = rnd() * xs.reduce((n, x) => n + x.weight, 0);
    for (const x of xs) {
      r -= x.weight;
      if (r < 0) return x;
    }
    return xs[0] as T;
  };
  const exp = (mean: number) => -Math.log(1 - rnd()) * mean;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const alnum = (n: number) => Array.from({ length: n }, () => pick([...'bcdfghjklmnpqrstvwxz2456789'])).join('');
  const duration = () => pick([`${int(2, 59)}s`, `${int(1, 59)}m${int(0, 59)}s`, `${int(1, 5)}h${int(1, 59)}m`]);
  const events: BenchEvent[] = [];

  SERVICES.forEach((svc, si) => {
    const service = `PSVC${String(si + 1).padStart(3, '0')}`;
    // Some fleets are named by role, some by cloud address: both kinds of noisy host names.
    const cloudNames = si % 3 === 2;
    const hosts = Object.fromEntries(
      (Object.keys(ROLE_HOSTS) as Role[]).map((role) => [
        role,
        Array.from({ length: ROLE_HOSTS[role] }, (_, i) =>
          cloudNames && role === 'web'
            ? `ip-10-${si}-${int(0, 15)}-${int(2, 250)}.ec2.internal`
            : `${svc}-${role}-${String(i + 1).padStart(2, '0')}`,
        ),
      ]),
    ) as Record<Role, string[]>;
    const words = [...WORDS].sort(() => rnd() - 0.5);
    const entities: Record<Exclude<EntityKind, 'host'>, string[]> = {
      db: [`${svc}-pg`, `${words[0]}-pg`],
      cache: [`${svc}-redis`, `${words[1]}-redis`],
      topic: [`${svc}.${words[2]}.v2`, `${words[3]}.changes`, `${svc}.retry`],
      domain: [`api.${svc}.example.com`, `${words[4]}.example.com`],
      vendor: [pick(VENDORS), pick(VENDORS)],
      deploy: [`${svc}-api`, `${svc}-worker`, `${words[5]}-sync`],
      zone: ZONES,
      job: JOBS,
    };
    let incidents = 0;
    const mid = START + (HOURS / 2) * 3600_000;

    /** Emits one cause; returns when its last alert fired. */
    const cause = (mode: FailureMode, start: number, hot: Partial<Record<Role, string>>): number => {
      const label = `${service}/${incidents++}`;
      const split = start < mid ? 'train' : 'test';
      const ehost = mode.hostRole ? (hot[mode.hostRole] ?? pick(hosts[mode.hostRole])) : undefined;
      const entity = mode.entity === 'host' ? (ehost ?? svc) : pick(entities[mode.entity]);
      const n = int(mode.alerts[0], mode.alerts[1]);
      const fan = Object.fromEntries(
        (Object.keys(hosts) as Role[]).map((r) => [r, [...hosts[r]].sort(() => rnd() - 0.5)]),
      ) as Record<Role, string[]>;
      const storm = mode.signals.some((x) => x.fanout) && n >= 8;
      const opened: { key: string; integration: string; at: number }[] = [];
      let at = start;
      for (let k = 0; k < n; k++) {
        const signal: Signal = k === 0 ? (mode.signals[0] as Signal) : weighted(mode.signals);
        const role: Role = signal.role === 'service' ? 'web' : signal.role;
        const host = signal.fanout ? (fan[role][k % fan[role].length] as string) : pick(hosts[role]);
        const values: Record<string, string> = {
          svc,
          host,
          ehost: ehost ?? host,
          entity,
          pct: String(int(71, 99)),
          ms: String(int(250, 9000)),
          n: String(int(2, 5000)),
          id: hex(int(8, 12)),
          dec: (1 + rnd() * 30).toFixed(2),
          dur: duration(),
          ip: `10.${si}.${int(0, 255)}.${int(1, 254)}`,
          pod: `${entity.split('.')[0]}-${hex(9)}-${alnum(5)}`,
          ver: `v${int(1, 4)}.${int(0, 30)}.${int(0, 9)}`,
        };
        const summary = pick(signal.paraphrases).replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? name);
        const integration = `${service}-${signal.group === 'app' ? 'apm' : 'infra'}`;
        const key = `${signal.class}-${hex(10)}`;
        const source =
          signal.role === 'service'
            ? `${svc}.prod.internal`
            : !signal.fanout && ehost && signal.role === mode.hostRole
              ? ehost
              : host;
        const payload = {
          summary,
          source,
          severity: signal.severity,
          component: signal.component,
          class: signal.class,
          group: `${svc}-${signal.group}`,
          custom_details: { region: pick(['us-east-1', 'eu-west-1']), value: Number(values.pct), ip: values.ip },
        };
        const emit = (ms: number, action: BenchEvent['action']) =>
          events.push({
            at: new Date(ms).toISOString(),
            service,
            integration,
            action,
            dedup_key: key,
            ...(action === 'trigger' ? { label, split, payload } : {}),
          });
        emit(at, 'trigger');
        opened.push({ key, integration, at });
        // Monitors re-send triggers while the problem lasts: dedup folds them into the alert.
        if (rnd() < 0.3) for (let r = int(1, 3); r > 0; r--) emit(at + r * int(1, 4) * MIN, 'trigger');
        // Flapping: the check clears and fires again on the same key while the incident is live.
        if (n >= 3 && rnd() < 0.12) {
          for (let f = 1; f <= int(1, 3); f++) {
            emit(at + f * 3 * MIN, 'resolve');
            emit(at + f * 3 * MIN + int(30, 90) * 1000, 'trigger');
          }
        }
        at += storm && signal.fanout ? exp(20_000) : Math.min(exp(1.5 * MIN), 6 * MIN);
      }
      const end = at + int(5, 25) * MIN;
      // Some incidents are never cleared by their monitors; auto-resolve has to end them.
      if (rnd() >= 0.08) {
        for (const o of opened) events.push(resolveOf(o, Math.max(end + rnd() * 5 * MIN, o.at + 12 * MIN), service));
      }
      return at;
    };

    let t = START + exp(40 * MIN);
    while (t < START + HOURS * 3600_000) {
      // 2-4 unrelated causes at once most of the time; now and then a single one.
      const width = weighted([
        { n: 1, weight: 2 },
        { n: 2, weight: 4 },
        { n: 3, weight: 3 },
        { n: 4, weight: 1.5 },
      ]).n;
      const modes: FailureMode[] = [];
      while (modes.length < width) {
        const m = weighted(FAILURE_MODES);
        if (!modes.includes(m)) modes.push(m);
      }
      // The same host often takes part in two of the episode's causes.
      const hot: Partial<Record<Role, string>> = rnd() < 0.6 ? { db: pick(hosts.db), worker: pick(hosts.worker) } : {};
      let last = t;
      for (const m of modes) last = Math.max(last, cause(m, t + rnd() * 6 * MIN, hot));
      // A few singletons: one stray alert of its own, between episodes.
      if (rnd() < 0.25) {
        const single = FAILURE_MODES.find((m) => m.name === 'backup-failed') as FailureMode;
        cause({ ...single, alerts: [1, 1] }, last + int(40, 90) * MIN, {});
      }
      t = last + 40 * MIN + exp(100 * MIN);
    }
  });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

function resolveOf(o: { key: string; integration: string }, at: number, service: string): BenchEvent {
  return { at: new Date(at).toISOString(), service, integration: o.integration, action: 'resolve', dedup_key: o.key };
}

if (require.main === module) {
  const seed = Number(process.argv[2] ?? DEFAULT_SEED);
  const events = generate(seed);
  const dir = join(__dirname, 'data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'alerts.jsonl');
  writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const labels = new Set(events.flatMap((e) => (e.label ? [e.label] : [])));
  process.stdout.write(`wrote ${events.length} events, ${labels.size} incidents to ${file}\n`);
}

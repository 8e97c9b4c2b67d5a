/**
 * Writes bench/data/alerts.jsonl: a labelled, deterministic (seeded) set of alert event streams for
 * the grouping quality benchmark. One JSON event per line, in time order:
 *   {at, service, integration, action: trigger|resolve, dedup_key, label?, split?, payload?}
 * `label` (on triggers) is the true incident; `split` says whether the incident lies in the first
 * half of its service's stream (train: responders' merges may be learned from it) or the second
 * (test: held out, only evaluated).
 *
 * Noise modelled: host names, ids and numbers vary per alert; each alert picks one of its signal's
 * paraphrases; repeat triggers on a dedup key; storms (per-host fan-out); flapping (resolve and
 * re-trigger on the same key mid-incident); two unrelated outages at once on a service; incidents
 * never resolved by their monitors (left to auto-resolve).
 *
 * Run: npx tsx services/grouping/bench/generate-alerts.ts [seed]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_MODES, type FailureMode, type Role } from './failure-modes';

const SERVICES =
  'checkout payments search inventory auth notify billing catalog recommend shipping orders cart profile media ingest reporting gateway edge mailer platform ledger fraud pricing feeds loyalty returns'.split(
    ' ',
  );
const ROLE_HOSTS: Record<Role, number> = { web: 14, db: 4, cache: 3, worker: 6, broker: 3 };
const START = Date.parse('2026-03-02T00:00:00Z');
const HOURS = 72;
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

export function generate(seed: number): BenchEvent[] {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const exp = (mean: number) => -Math.log(1 - rnd()) * mean;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const totalWeight = FAILURE_MODES.reduce((n, m) => n + m.weight, 0);
  const pickMode = (not?: FailureMode): FailureMode => {
    for (;;) {
      const r = rnd() * totalWeight;
      let cumulative = 0;
      const mode =
        FAILURE_MODES.find((m) => {
          cumulative += m.weight;
          return r < cumulative;
        }) ?? (FAILURE_MODES[0] as FailureMode);
      if (mode !== not) return mode;
    }
  };
  const events: BenchEvent[] = [];

  SERVICES.forEach((svc, si) => {
    const service = `PSVC${String(si + 1).padStart(3, '0')}`;
    const hosts = (role: Role) =>
      Array.from({ length: ROLE_HOSTS[role] }, (_, i) => `${svc}-${role}-${String(i + 1).padStart(2, '0')}`);
    let t = START + exp(60 * MIN);
    let previous: { start: number; mode: FailureMode } | undefined;
    for (let inc = 0; t < START + HOURS * 3600_000; inc++) {
      // Two unrelated outages at once: a second incident of another mode starts during the first.
      const concurrent = previous && rnd() < 0.15;
      const mode = concurrent && previous ? pickMode(previous.mode) : pickMode();
      const start = concurrent && previous ? previous.start + rnd() * 8 * MIN : t;
      const label = `${service}/${inc}`;
      const split = start < START + (HOURS / 2) * 3600_000 ? 'train' : 'test';
      const storm = mode.name === 'host-down-storm';
      const n = int(mode.alerts[0], mode.alerts[1]);
      const stormHosts = [...hosts('web')].sort(() => rnd() - 0.5);
      const emit = (ms: number, action: BenchEvent['action'], key: string, integration: string, payload?: object) =>
        events.push({
          at: new Date(ms).toISOString(),
          service,
          integration,
          action,
          dedup_key: key,
          ...(action === 'trigger' ? { label, split, payload: payload as Record<string, unknown> } : {}),
        });
      let at = start;
      const opened: { key: string; integration: string; at: number }[] = [];
      for (let k = 0; k < n; k++) {
        const signal = k === 0 ? (mode.signals[0] ?? pick(mode.signals)) : pick(mode.signals);
        const host = storm ? (stormHosts[k % stormHosts.length] ?? 'h') : pick(hosts(signal.role));
        const values: Record<string, string> = {
          svc,
          host,
          pct: String(int(71, 99)),
          ms: String(int(250, 9000)),
          n: String(int(2, 5000)),
          id: hex(int(7, 12)),
          dec: (0.3 + rnd() * 0.5).toFixed(2),
        };
        const summary = pick(signal.paraphrases).replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? name);
        const appSide = ['api', 'sentry', 'apm', 'http-client', 'tls'].includes(signal.component);
        const integration = `${service}-${appSide ? 'apm' : 'infra'}`;
        const key = `${signal.class}-${hex(10)}`;
        const payload = {
          summary,
          source: storm || signal.role !== 'web' ? `${host}.prod.internal` : `${svc}.prod.internal`,
          severity: signal.severity,
          component: signal.component,
          class: signal.class,
          group: svc,
          custom_details: { region: pick(['us-east-1', 'eu-west-1']), value: Number(values.pct) },
        };
        const push = (ms: number, action: BenchEvent['action']) => emit(ms, action, key, integration, payload);
        push(at, 'trigger');
        opened.push({ key, integration, at });
        // Monitors re-send triggers while the problem lasts: dedup folds them into the alert.
        if (rnd() < 0.3) for (let r = int(1, 3); r > 0; r--) push(at + r * int(1, 4) * MIN, 'trigger');
        // Flapping: the check clears and fires again on the same key while the incident is live.
        if (k > 0 && n >= 3 && rnd() < 0.15) {
          for (let f = 1; f <= int(1, 3); f++) {
            push(at + f * 3 * MIN, 'resolve');
            push(at + f * 3 * MIN + int(30, 90) * 1000, 'trigger');
          }
        }
        at += storm ? exp(15_000) : Math.min(exp(2 * MIN), 8 * MIN);
      }
      const end = at + (mode.alerts[1] === 1 ? int(30, 180) : int(5, 40)) * MIN;
      // Some incidents are never cleared by their monitors; auto-resolve has to end them.
      if (rnd() >= 0.08) {
        for (const o of opened) emit(Math.max(end + rnd() * 5 * MIN, o.at + 20 * MIN), 'resolve', o.key, o.integration);
      }
      previous = { start, mode };
      if (!concurrent) t = end + Math.max(20 * MIN, exp(110 * MIN));
    }
  });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

if (require.main === module) {
  const seed = Number(process.argv[2] ?? 20260302);
  const events = generate(seed);
  const file = join(__dirname, 'data', 'alerts.jsonl');
  writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const labels = new Set(events.flatMap((e) => (e.label ? [e.label] : [])));
  process.stdout.write(`wrote ${events.length} events, ${labels.size} incidents to ${file}\n`);
}

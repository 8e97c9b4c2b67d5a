/**
 * Grouping quality benchmark: replays bench/data/alerts.jsonl (labelled; see generate-alerts.ts)
 * through dedup, each grouping type and the incident lifecycle, and prints pairwise precision, recall
 * and F1 against the labels — on the held-out TEST half of every service's stream (the figure to
 * quote) and on all alerts. For intelligent grouping it also prints F1 before and after a simulated
 * responder's merges/splits on the TRAIN half (learned online, evaluated on the test half only).
 *
 * `--tune` instead sweeps the intelligent threshold on the TRAIN half only (first half of the
 * train span learns, second half scores): that is how the default threshold was chosen.
 *
 * Run: npx tsx services/grouping/bench/grouping-quality.bench.ts [--tune]
 */
import { type AlertGroupingParameters, groupingPolicy } from '../src/domain/grouping/policy';
import { type BenchEvent, generate } from './generate-alerts';
import { groupingCost } from './grouping-cost';
import { type PairScores, pairwise } from './metrics';
import { replay } from './replay';

const events: BenchEvent[] = generate();

const WINDOW = 1800;
const CONFIGS: [string, AlertGroupingParameters][] = [
  ['none', { type: null }],
  ['time (30 min)', { type: 'time', config: { timeout: 30 } }],
  ['time (until resolved)', { type: 'time', config: { timeout: 0 } }],
  ...(['source', 'class', 'component', 'group', 'summary'] as const).map((field): [string, AlertGroupingParameters] => [
    `content_based ${field}`,
    { type: 'content_based', config: { aggregate: 'all', fields: [field], time_window: WINDOW } },
  ]),
  [
    'content_based all[class,component]',
    { type: 'content_based', config: { aggregate: 'all', fields: ['class', 'component'], time_window: WINDOW } },
  ],
  ['intelligent', { type: 'intelligent', config: { time_window: WINDOW } }],
  [
    'content_based_intelligent any[class,component]',
    {
      type: 'content_based_intelligent',
      config: { aggregate: 'any', fields: ['class', 'component'], time_window: WINDOW },
    },
  ],
];

const pct = (x: number) => x.toFixed(3);
const row = (name: string, s: PairScores, all: PairScores, extra = '') =>
  `| ${name} | ${pct(s.precision)} | ${pct(s.recall)} | ${pct(s.f1)} | ${s.predicted} / ${s.truth} | ${pct(all.f1)} |${extra}`;

function out(line: string) {
  process.stdout.write(`${line}\n`);
}

function main() {
  const started = Date.now();
  const split = (alerts: ReturnType<typeof replay>['alerts']) => alerts.filter((a) => a.split === 'test');
  out(`events ${events.length}`);
  out('| grouping | precision (test) | recall (test) | F1 (test) | incidents predicted / true (test) | F1 (all) |');
  out('|---|---|---|---|---|---|');
  let total = 0;
  for (const [name, params] of CONFIGS) {
    const r = replay(events, groupingPolicy(params));
    total = r.alerts.length;
    out(row(name, pairwise(split(r.alerts)), pairwise(r.alerts)));
    if (params.type === 'intelligent' || params.type === 'content_based_intelligent') {
      const learned = replay(events, groupingPolicy(params), { learn: true });
      out(
        row(
          `${name} + responder feedback`,
          pairwise(split(learned.alerts)),
          pairwise(learned.alerts),
          ` merges ${learned.merges}, splits ${learned.splits} (train half)`,
        ),
      );
    }
  }
  const services = new Set(events.map((e) => e.service)).size;
  out(`alerts ${total} over ${services} services; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const cost = groupingCost(events);
  out(
    `intelligent decision CPU: ${cost.warmMs.toFixed(3)} ms per alert on average (${cost.decisions} alerts) against ` +
      `${cost.incidents} open incidents holding ${cost.alerts} alerts; with a model just read from its stored row ${cost.coldMs.toFixed(1)} ms`,
  );
}

function tune() {
  const train = events.filter((e) => !e.split || e.split === 'train');
  const times = train.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
  const mid = times[Math.floor(times.length / 2)] ?? 0;
  // Within the train half: earlier incidents play "train", later ones are scored.
  const relabelled = train.map((e) =>
    e.split ? { ...e, split: Date.parse(e.at) < mid ? ('train' as const) : ('test' as const) } : e,
  );
  out('| threshold | F1 no feedback | F1 with feedback |');
  out('|---|---|---|');
  for (const threshold of [0.12, 0.15, 0.18]) {
    const policy = groupingPolicy({ type: 'intelligent', config: { time_window: WINDOW } });
    const a = pairwise(replay(relabelled, policy, { threshold }).alerts.filter((x) => x.split === 'test'));
    const b = pairwise(replay(relabelled, policy, { threshold, learn: true }).alerts.filter((x) => x.split === 'test'));
    out(
      `| ${threshold} | ${pct(a.f1)} (P ${pct(a.precision)} R ${pct(a.recall)}) | ${pct(b.f1)} (P ${pct(b.precision)} R ${pct(b.recall)}) |`,
    );
  }
}

if (process.argv.includes('--tune')) tune();
else main();

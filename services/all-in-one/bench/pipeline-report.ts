import type { WatchResult } from './incident-watch';
import type { Rss } from './klaxon-process';
import type { SendResult } from './open-loop';
import { type Expected, seqOfTitle } from './workload';

// The pipeline bench's figures: computed from what the sender and the watch recorded, printed as a
// table, written as JSON.

export interface RunSpec {
  rate: number;
  mix: 'unique' | 'hard';
  count: number;
  durationS: number;
}

interface Spread {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export interface Figures {
  setup: string;
  mix: string;
  offeredRate: number;
  events: number;
  keys: number;
  setupS: number;
  /** Events sent per second of sending, as the sender managed it. */
  sentRate: number;
  maxSenderLagMs: number;
  acceptedRate: number;
  accepted: number;
  non202: Record<string, number>;
  latency202Ms: Spread;
  /** What every 202 must make visible. */
  expected: Expected;
  /** What every event not refused (202 or no answer) may make visible. */
  expectedUpper: Expected;
  seen: Expected;
  complete: boolean;
  /** From the first event due until the totals met the expectation. */
  allVisibleS?: number;
  /** From the last event sent until then: the backlog left behind. */
  drainS?: number;
  endToEndRate?: number;
  /** First seen on GET /incidents minus when its event was due, per incident. */
  eventToIncidentS: Spread;
  incidentsNotSeenByPolling: number;
  truncatedPolls: number;
  rssMb: { idleServer: number; endServer: number; endTree: number; peakServer: number };
  /**
   * CPU seconds of the server's process tree (with the embedded default, the database too) from the
   * first event until all incidents were visible, per 1,000 events: the cost of the work, which
   * holds steady on a machine whose other load moves the rates.
   */
  cpuMsPerEvent: number;
  eventLoop?: { peakP99Ms: number; peakMaxMs: number; endP99Ms?: number | undefined } | undefined;
  logFile: string;
}

function spread(values: number[]): Spread {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (p: number) => v[Math.max(0, Math.ceil(p * v.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: v[v.length - 1] ?? Number.NaN, n: v.length };
}

export function summarize(input: {
  setup: string;
  spec: RunSpec;
  keys: number;
  setupS: number;
  sent: SendResult;
  expected: Expected;
  upper: Expected;
  watched: WatchResult;
  rss: { idle: Rss; end: Rss; peakServerMb: number };
  cpuS: number;
  loop?: Figures['eventLoop'];
  logFile: string;
}): Figures {
  const { sent, spec, watched } = input;
  const sendingS = sent.sendSpanMs / 1000;
  const non202: Record<string, number> = {};
  const latencies: number[] = [];
  for (let i = 0; i < spec.count; i++) {
    const status = sent.status[i] as number;
    if (status === 202) latencies.push((sent.answeredAt[i] as number) - (sent.dueAt[i] as number));
    else {
      const key = status === 0 ? 'error' : String(status);
      non202[key] = (non202[key] ?? 0) + 1;
    }
  }
  const firstDue = sent.dueAt[0] as number;
  const lastSent = firstDue + sent.sendSpanMs;
  const e2i: number[] = [];
  for (const [title, seenAt] of watched.firstSeen) {
    const seq = seqOfTitle(title);
    if (seq !== undefined && seq < spec.count) e2i.push((seenAt - (sent.dueAt[seq] as number)) / 1000);
  }
  const allVisibleS = watched.completeAt === undefined ? undefined : (watched.completeAt - firstDue) / 1000;
  return {
    setup: input.setup,
    mix: spec.mix,
    offeredRate: spec.rate,
    events: spec.count,
    keys: input.keys,
    setupS: input.setupS,
    sentRate: spec.count / sendingS,
    maxSenderLagMs: sent.maxSenderLagMs,
    acceptedRate: latencies.length / sendingS,
    accepted: latencies.length,
    non202,
    latency202Ms: spread(latencies),
    expected: input.expected,
    expectedUpper: input.upper,
    seen: watched.seen,
    complete: watched.completeAt !== undefined,
    ...(allVisibleS === undefined
      ? {}
      : {
          allVisibleS,
          drainS: ((watched.completeAt as number) - lastSent) / 1000,
          endToEndRate: watched.seen.incidents / allVisibleS,
        }),
    eventToIncidentS: spread(e2i),
    incidentsNotSeenByPolling: Math.max(0, watched.seen.incidents - e2i.length),
    truncatedPolls: watched.truncatedPolls,
    rssMb: {
      idleServer: input.rss.idle.serverMb,
      endServer: input.rss.end.serverMb,
      endTree: input.rss.end.treeMb,
      peakServer: input.rss.peakServerMb,
    },
    cpuMsPerEvent: (input.cpuS * 1000) / spec.count,
    eventLoop: input.loop,
    logFile: input.logFile,
  };
}

const n0 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : String(Math.round(v)));
const n1 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(1));
const n2 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(2));

export function printTable(rows: Figures[], withHeader: boolean): void {
  const header = [
    '| setup | mix | offered/s | accepted/s | non-202 | 202 p50 / p99 / max ms | incidents seen/expected | all visible s | drain s | e2e incidents/s | event->incident p50 / p99 s | RSS MB end (peak) | loop p99 / max ms | CPU ms/event |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const lines = rows.map((r) => {
    const non202 = Object.entries(r.non202)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    const loop = r.eventLoop ? `${n0(r.eventLoop.peakP99Ms)} / ${n0(r.eventLoop.peakMaxMs)}` : 'n/a';
    return [
      '',
      r.setup,
      r.mix,
      n0(r.offeredRate),
      n0(r.acceptedRate),
      non202 || '0',
      `${n0(r.latency202Ms.p50)} / ${n0(r.latency202Ms.p99)} / ${n0(r.latency202Ms.max)}`,
      `${r.seen.incidents}/${r.expected.incidents}${r.expectedUpper.incidents > r.expected.incidents ? `-${r.expectedUpper.incidents}` : ''}${r.complete ? '' : ' (timed out)'}`,
      n1(r.allVisibleS),
      n1(r.drainS),
      n0(r.endToEndRate),
      `${n2(r.eventToIncidentS.p50)} / ${n2(r.eventToIncidentS.p99)}`,
      `${n0(r.rssMb.endServer)} (${n0(r.rssMb.peakServer)})`,
      loop,
      n2(r.cpuMsPerEvent),
      '',
    ]
      .join(' | ')
      .trim();
  });
  process.stdout.write(`${[...(withHeader ? header : []), ...lines].join('\n')}\n`);
}

import { performance } from 'node:perf_hooks';
import type { Rest } from './rest-client';
import type { Expected } from './workload';

// Watches GET /incidents as a dashboard would, from the first event sent until every expected incident
// is there. Each poll reads the newest incidents page by page, by incident_number descending, down to
// a margin below the highest number seen before (numbers come from one sequence at commit, so a new
// incident appears above the old ones, give or take transactions still open). created_at would not
// do: Klaxon stamps it with the event's receive time, which can be far older than the commit under a
// backlog. The completion test is the `total` of PagerDuty's pagination, per status where needed.

const POLL_MS = 250;
const PAGE = 100;
/** PagerDuty's limit on offset + limit. */
const MAX_WINDOW = 10_000;
/** How far below the previous highest incident_number a poll still reads, for commits out of order. */
const MARGIN = 200;
/** Events that got no answer may or may not have been taken: once the accepted ones are all there, a total still for this long is final. */
const SETTLE_MS = 5000;

interface IncidentRow {
  id: string;
  incident_number: number;
  title: string;
}

export interface WatchResult {
  /** performance.now() when each incident was first seen, by title. */
  firstSeen: Map<string, number>;
  /** performance.now() when the totals first met the expectation; undefined if they never did. */
  completeAt?: number;
  /** The totals at the end. */
  seen: Expected;
  /** Polls that could not reach back far enough (more than 10,000 new incidents since the previous poll). */
  truncatedPolls: number;
}

export interface Watch {
  /**
   * Set once the sender is done: from then on the watch ends when the totals reach `upper` (every
   * event not refused), or reach `lower` (every 202) and stay still for SETTLE_MS.
   */
  expect(lower: Expected, upper: Expected): void;
  result: Promise<WatchResult>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function watchIncidents(rest: Rest, timeoutMs: number): Watch {
  let expected: Expected | undefined;
  let lower: Expected | undefined;
  let expectedSince = 0;
  let lastTotal = -1;
  let lastChange = 0;
  const firstSeen = new Map<string, number>();
  let highest = 0;
  let truncatedPolls = 0;

  const total = async (status?: string) => {
    const filter = status ? `&statuses[]=${status}` : '';
    const page = await rest.call<{ total: number }>('GET', `/incidents?total=true&limit=1&date_range=all${filter}`);
    return page.total;
  };
  const readNew = async () => {
    const floor = highest - MARGIN;
    let top = highest;
    for (let offset = 0; ; offset += PAGE) {
      if (offset + PAGE > MAX_WINDOW) {
        truncatedPolls++;
        break;
      }
      const page = await rest.call<{ incidents: IncidentRow[]; more: boolean }>(
        'GET',
        `/incidents?sort_by=incident_number:desc&limit=${PAGE}&offset=${offset}&date_range=all`,
      );
      const now = performance.now();
      for (const i of page.incidents) {
        if (!firstSeen.has(i.title)) firstSeen.set(i.title, now);
        top = Math.max(top, i.incident_number);
      }
      const lowest = page.incidents[page.incidents.length - 1]?.incident_number ?? 0;
      if (!page.more || lowest <= floor) break;
    }
    highest = top;
  };
  const totals = async (): Promise<Expected> => {
    const [incidents, acknowledged, resolved] = await Promise.all([
      total(),
      expected && expected.acknowledged > 0 ? total('acknowledged') : 0,
      expected && expected.resolved > 0 ? total('resolved') : 0,
    ]);
    return { incidents, acknowledged, resolved };
  };

  const result = (async (): Promise<WatchResult> => {
    let seen: Expected = { incidents: 0, acknowledged: 0, resolved: 0 };
    for (;;) {
      const began = performance.now();
      await readNew();
      if (expected && lower) {
        seen = await totals();
        if (seen.incidents !== lastTotal) {
          lastTotal = seen.incidents;
          lastChange = performance.now();
        }
        const meets = (e: Expected) =>
          seen.incidents >= e.incidents && seen.acknowledged >= e.acknowledged && seen.resolved >= e.resolved;
        const all = meets(expected);
        if (all || (meets(lower) && performance.now() - lastChange > SETTLE_MS)) {
          const completeAt = all ? performance.now() : lastChange;
          // One more read, so incidents committed since the last page are seen too.
          await readNew();
          return { firstSeen, completeAt, seen, truncatedPolls };
        }
        if (performance.now() - expectedSince > timeoutMs) return { firstSeen, seen, truncatedPolls };
      }
      await sleep(Math.max(0, POLL_MS - (performance.now() - began)));
    }
  })();

  return {
    expect(l, upper) {
      lower = l;
      expected = upper;
      expectedSince = performance.now();
      lastChange = expectedSince;
    },
    result,
  };
}

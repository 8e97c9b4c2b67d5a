import { api, listAll, q } from '../api';
import { fill, h, table, when } from '../dom';
import type { Ref } from './model';

interface OnCall {
  escalation_policy: Ref;
  escalation_level: number;
  schedule: Ref | null;
  user: Ref;
  start: string | null;
  end: string | null;
}
interface Entry {
  start: string;
  end: string;
  user?: Ref;
}

const weekMs = 7 * 24 * 3600 * 1000;

/** A schedule's final rendered entries over the next week, as bars across the week. */
async function scheduleTimeline(schedule: Ref & { name: string }): Promise<HTMLElement> {
  const since = new Date();
  const until = new Date(since.getTime() + weekMs);
  const { schedule: rendered } = await api<{ schedule: { final_schedule?: { rendered_schedule_entries?: Entry[] } } }>(
    'GET',
    `/schedules/${schedule.id}?since=${q(since.toISOString())}&until=${q(until.toISOString())}`,
  );
  const entries = rendered.final_schedule?.rendered_schedule_entries ?? [];
  const pct = (iso: string) => Math.min(100, Math.max(0, ((new Date(iso).getTime() - since.getTime()) / weekMs) * 100));
  return h(
    'div',
    {},
    h('h3', {}, schedule.name),
    h(
      'div',
      { class: 'timeline', role: 'list', 'aria-label': `${schedule.name}, next 7 days` },
      ...entries.map((e) => {
        const left = pct(e.start);
        const label = `${e.user?.summary ?? 'nobody'}: ${when(e.start)} – ${when(e.end)}`;
        const bar = h('span', { role: 'listitem', title: label, 'aria-label': label }, e.user?.summary ?? '');
        // Through the CSSOM: the CSP (no 'unsafe-inline') drops style attributes.
        bar.style.left = `${left}%`;
        bar.style.width = `${pct(e.end) - left}%`;
        return bar;
      }),
    ),
    entries.length === 0 ? h('p', { class: 'muted' }, 'Nobody is scheduled in the next 7 days.') : null,
  );
}

/** Who is on call now, per escalation policy and level, and each schedule's coming week. */
export async function onCall(main: HTMLElement): Promise<undefined> {
  const [oncalls, schedules] = await Promise.all([
    listAll<OnCall>('/oncalls', 'oncalls'),
    listAll<Ref & { name: string }>('/schedules', 'schedules'),
  ]);
  const sorted = [...oncalls].sort(
    (a, b) =>
      (a.escalation_policy.summary ?? '').localeCompare(b.escalation_policy.summary ?? '') ||
      a.escalation_level - b.escalation_level,
  );
  fill(
    main,
    h('h1', {}, 'On-call now'),
    sorted.length
      ? table(
          ['Escalation policy', 'Level', 'Who', 'Schedule', 'Until'],
          h(
            'tbody',
            {},
            ...sorted.map((o) =>
              h(
                'tr',
                {},
                h('td', {}, o.escalation_policy.summary ?? o.escalation_policy.id),
                h('td', {}, String(o.escalation_level)),
                h('td', {}, o.user.summary ?? o.user.id),
                h('td', {}, o.schedule?.summary ?? '—'),
                h('td', {}, o.end ? when(o.end) : 'always'),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'Nobody is on call.'),
    h('h2', {}, 'Schedules'),
    ...(await Promise.all(schedules.slice(0, 20).map(scheduleTimeline))),
  );
  return undefined;
}

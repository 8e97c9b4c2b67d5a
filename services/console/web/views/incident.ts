import { api, listAll } from '../api';
import { field, fill, h, statusBadge, table, when } from '../dom';
import { canRespond, type Me } from '../session';
import { actionButtons, perform } from './incident-actions';
import type { Incident } from './model';

interface Alert {
  id: string;
  summary: string;
  status: string;
  severity: string;
  created_at: string;
  body?: { details?: unknown; cef_details?: { details?: unknown } };
}
interface LogEntry {
  id: string;
  type: string;
  summary: string;
  created_at: string;
  agent?: { summary?: string } | null;
}
interface Note {
  id: string;
  content: string;
  created_at: string;
  user?: { summary?: string };
}

const details = (value: unknown) =>
  value === undefined || value === null
    ? h('span', { class: 'muted' }, 'none')
    : h('pre', {}, JSON.stringify(value, null, 2));

/** One incident: its state and actions, custom details, alerts, timeline (log entries) and notes. */
export async function incidentPage(main: HTMLElement, me: Me, [id = '']: string[]): Promise<undefined> {
  const base = `/incidents/${encodeURIComponent(id)}`;
  const [{ incident }, alerts, log, { notes }] = await Promise.all([
    api<{ incident: Incident }>('GET', base),
    listAll<Alert>(`${base}/alerts`, 'alerts'),
    listAll<LogEntry>(`${base}/log_entries`, 'log_entries'),
    api<{ notes: Note[] }>('GET', `${base}/notes`),
  ]);
  const note = h('textarea', { name: 'note', required: true, maxlength: 25000 });
  const addNote = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        void perform(async () => {
          await api('POST', `${base}/notes`, { note: { content: note.value } });
          return 'Note added';
        });
      },
    },
    field('Add a note', note),
    h('button', { type: 'submit' }, 'Add note'),
  );
  fill(
    main,
    h('p', {}, h('a', { href: '#/incidents' }, '← Incidents')),
    h('h1', {}, `#${incident.incident_number} ${incident.title}`),
    h(
      'p',
      {},
      statusBadge(incident.status),
      ` · ${incident.urgency} urgency · `,
      h('a', { href: `#/services/${incident.service.id}` }, incident.service.summary ?? incident.service.id),
      ` · assigned to ${incident.assignments.map((a) => a.assignee.summary ?? a.assignee.id).join(', ') || 'nobody'}`,
    ),
    canRespond(me) ? actionButtons(() => [incident], false) : null,
    h('h2', {}, 'Custom details'),
    details(incident.body?.details ?? alerts[0]?.body?.cef_details?.details ?? alerts[0]?.body?.details),
    h('h2', {}, `Alerts (${alerts.length})`),
    table(
      ['Summary', 'Status', 'Severity', 'Created', 'Details'],
      h(
        'tbody',
        {},
        ...alerts.map((a) =>
          h(
            'tr',
            {},
            h('td', {}, a.summary),
            h('td', {}, statusBadge(a.status)),
            h('td', {}, a.severity),
            h('td', {}, when(a.created_at)),
            h('td', {}, details(a.body?.cef_details?.details ?? a.body?.details)),
          ),
        ),
      ),
    ),
    h('h2', {}, 'Notes'),
    h(
      'ul',
      { 'aria-label': 'Notes' },
      ...notes.map((n) =>
        h(
          'li',
          {},
          h('p', {}, n.content),
          h('span', { class: 'muted' }, `${n.user?.summary ?? ''} ${when(n.created_at)}`),
        ),
      ),
    ),
    canRespond(me) ? addNote : null,
    h('h2', {}, 'Timeline'),
    h(
      'ol',
      { 'aria-label': 'Timeline' },
      // The API lists newest first in its own order (time, then sequence): read oldest first.
      ...[...log].reverse().map((e) => h('li', {}, h('span', { class: 'muted' }, when(e.created_at)), ' ', e.summary)),
    ),
  );
  return undefined;
}

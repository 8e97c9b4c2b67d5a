import { listAll } from '../api';
import { field, fill, h, select, statusBadge, table, when } from '../dom';
import { canRespond, type Me } from '../session';
import { actionButtons } from './incident-actions';
import type { Incident, Ref } from './model';

/** The filters survive leaving and coming back to the list within the tab. */
const filters = { statuses: new Set(['triggered', 'acknowledged']), service: '', urgency: '', mine: false, auto: true };
const refreshMs = 10_000;

/** The incidents list: filters, auto-refresh, and actions on one or many incidents. */
export async function incidentsList(main: HTMLElement, me: Me): Promise<() => void> {
  const services = await listAll<Ref & { name: string }>('/services', 'services');
  const selected = new Set<string>();
  let shown: Incident[] = [];
  const body = h('tbody');
  const updated = h('p', { class: 'muted', 'aria-live': 'off' });

  const statusBoxes = ['triggered', 'acknowledged', 'resolved'].map((s) => {
    const box = h('input', { type: 'checkbox', name: 'status', value: s, checked: filters.statuses.has(s) });
    box.addEventListener('change', () => {
      if (box.checked) filters.statuses.add(s);
      else filters.statuses.delete(s);
      void load();
    });
    return h('label', { class: 'inline' }, box, s);
  });
  const service = select(
    'service',
    [['', 'All services'], ...services.map((s): [string, string] => [s.id, s.name])],
    filters.service,
  );
  const urgency = select(
    'urgency',
    [
      ['', 'Any urgency'],
      ['high', 'High'],
      ['low', 'Low'],
    ],
    filters.urgency,
  );
  const mine = h('input', { type: 'checkbox', name: 'mine', checked: filters.mine });
  const auto = h('input', { type: 'checkbox', name: 'auto_refresh', checked: filters.auto });
  service.addEventListener('change', () => {
    filters.service = service.value;
    void load();
  });
  urgency.addEventListener('change', () => {
    filters.urgency = urgency.value;
    void load();
  });
  mine.addEventListener('change', () => {
    filters.mine = mine.checked;
    void load();
  });
  auto.addEventListener('change', () => {
    filters.auto = auto.checked;
  });

  async function load(): Promise<void> {
    const params = [...filters.statuses].map((s) => `statuses[]=${s}`);
    if (filters.service) params.push(`service_ids[]=${encodeURIComponent(filters.service)}`);
    if (filters.urgency) params.push(`urgencies[]=${filters.urgency}`);
    if (filters.mine) params.push(`user_ids[]=${encodeURIComponent(me.id)}`);
    // No status ticked shows nothing (PagerDuty's API would read it as "any status").
    shown =
      filters.statuses.size === 0
        ? []
        : await listAll<Incident>(`/incidents?date_range=all&${params.join('&')}`, 'incidents');
    for (const id of [...selected]) if (!shown.some((i) => i.id === id)) selected.delete(id);
    body.replaceChildren(...shown.map(row));
    if (shown.length === 0)
      body.replaceChildren(h('tr', {}, h('td', { colspan: 8 }, 'No incidents match these filters.')));
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  function row(incident: Incident): HTMLElement {
    const box = h('input', {
      type: 'checkbox',
      'aria-label': `Select incident #${incident.incident_number}`,
      checked: selected.has(incident.id),
    });
    box.addEventListener('change', () => (box.checked ? selected.add(incident.id) : selected.delete(incident.id)));
    return h(
      'tr',
      { 'data-incident': incident.title },
      h('td', {}, canRespond(me) ? box : null),
      h('td', {}, `#${incident.incident_number}`),
      h('td', {}, h('a', { href: `#/incidents/${incident.id}` }, incident.title)),
      h('td', {}, statusBadge(incident.status)),
      h('td', {}, incident.urgency),
      h('td', {}, incident.service.summary ?? incident.service.id),
      h('td', {}, incident.assignments.map((a) => a.assignee.summary ?? a.assignee.id).join(', ')),
      h('td', {}, when(incident.created_at)),
    );
  }

  fill(
    main,
    h('h1', {}, 'Incidents'),
    h(
      'form',
      { class: 'row', 'aria-label': 'Filters', onsubmit: (e: Event) => e.preventDefault() },
      h('fieldset', {}, h('legend', {}, 'Status'), ...statusBoxes),
      field('Service', service),
      field('Urgency', urgency),
      h('label', { class: 'inline' }, mine, 'Assigned to me'),
      h('label', { class: 'inline' }, auto, 'Auto-refresh'),
    ),
    canRespond(me) ? actionButtons(() => shown.filter((i) => selected.has(i.id))) : null,
    table(['', '#', 'Title', 'Status', 'Urgency', 'Service', 'Assigned to', 'Created'], body),
    updated,
  );
  await load();
  const timer = window.setInterval(() => {
    if (filters.auto) void load().catch(() => undefined);
  }, refreshMs);
  return () => window.clearInterval(timer);
}

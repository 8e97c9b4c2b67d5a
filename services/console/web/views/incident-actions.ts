import { api, listAll } from '../api';
import { ask, field, go, h, select } from '../dom';
import type { Incident, User } from './model';

const ref = (id: string) => ({ id, type: 'incident_reference' });

const snoozeChoices: [string, string][] = [
  ['3600', '1 hour'],
  ['14400', '4 hours'],
  ['28800', '8 hours'],
  ['86400', '24 hours'],
];

/** Acknowledge or resolve many incidents in one `PUT /incidents`. */
export async function setStatus(ids: string[], status: 'acknowledged' | 'resolved'): Promise<string> {
  await api('PUT', '/incidents', { incidents: ids.map((id) => ({ ...ref(id), status })) });
  return `${ids.length} incident${ids.length === 1 ? '' : 's'} ${status}`;
}

/** Reassign to one user chosen in a dialog; null when the user cancels. */
export async function reassign(ids: string[]): Promise<string | null> {
  const users = await listAll<User>('/users', 'users');
  const who = select(
    'assignee',
    users.map((u) => [u.id, `${u.name} <${u.email}>`]),
  );
  if ((await ask('Reassign', [field('Assign to', who)], [['reassign', 'Reassign']])) !== 'reassign') return null;
  const assignments = [{ assignee: { id: who.value, type: 'user_reference' } }];
  await api('PUT', '/incidents', { incidents: ids.map((id) => ({ ...ref(id), assignments })) });
  return `Reassigned to ${who.selectedOptions[0]?.text ?? who.value}`;
}

/** Snooze acknowledged incidents (PagerDuty snoozes one incident per request). */
export async function snooze(ids: string[]): Promise<string | null> {
  const duration = select('snooze_duration', snoozeChoices);
  if ((await ask('Snooze', [field('Snooze for', duration)], [['snooze', 'Snooze']])) !== 'snooze') return null;
  for (const id of ids) await api('POST', `/incidents/${id}/snooze`, { duration: Number(duration.value) });
  return `Snoozed for ${duration.selectedOptions[0]?.text ?? ''}`;
}

/** Merge the chosen incidents into the one picked as the target. */
export async function merge(incidents: Incident[]): Promise<string | null> {
  const target = select(
    'merge_target',
    incidents.map((i) => [i.id, `#${i.incident_number} ${i.title}`]),
  );
  const text = 'The other incidents are resolved and their alerts move into the incident you choose.';
  if ((await ask('Merge incidents', [text, field('Merge into', target)], [['merge', 'Merge']])) !== 'merge')
    return null;
  const sources = incidents.filter((i) => i.id !== target.value).map((i) => ref(i.id));
  await api('PUT', `/incidents/${target.value}/merge`, { source_incidents: sources });
  return `${sources.length} incident${sources.length === 1 ? '' : 's'} merged`;
}

/** Runs an action and re-draws the screen with its result, or shows the API's refusal. */
export async function perform(action: () => Promise<string | null>): Promise<void> {
  try {
    const done = await action();
    if (done !== null) go(location.hash, done);
  } catch (err) {
    go(location.hash, (err as Error).message, 'error');
  }
}

/** The action buttons for the chosen incidents; `chosen()` is read when a button is pressed. */
export function actionButtons(chosen: () => Incident[], canMerge = true): HTMLElement {
  const ids = () => chosen().map((i) => i.id);
  const button = (text: string, run: () => Promise<string | null>) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          if (chosen().length === 0) return go(location.hash, 'Select at least one incident first.', 'notice');
          void perform(run);
        },
      },
      text,
    );
  return h(
    'div',
    { class: 'actions', role: 'toolbar', 'aria-label': 'Incident actions' },
    button('Acknowledge', () => setStatus(ids(), 'acknowledged')),
    button('Resolve', () => setStatus(ids(), 'resolved')),
    button('Reassign', () => reassign(ids())),
    button('Snooze', () => snooze(ids())),
    canMerge
      ? button('Merge', async () => (chosen().length < 2 ? 'Select two or more incidents to merge.' : merge(chosen())))
      : null,
  );
}

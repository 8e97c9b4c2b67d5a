import { api, listAll } from '../api';
import { ask, field, fill, go, h, select, table } from '../dom';
import { canManageCatalog, canManageUsers, type Me } from '../session';
import type { Ref, User } from './model';
import { editPolicy, type Policy } from './policy-editor';

interface Named extends Ref {
  name: string;
  description?: string | null;
}

type Input = HTMLInputElement | HTMLSelectElement;

/** Edits some fields of one object in a dialog, then `PUT`s them; the API's refusal is shown as it is. */
async function edit(
  title: string,
  path: string,
  wrapper: string,
  inputs: Record<string, [string, Input]>,
): Promise<void> {
  const answer = await ask(
    title,
    Object.values(inputs).map(([label, input]) => field(label, input)),
    [['save', 'Save']],
  );
  if (answer !== 'save') return;
  const body = Object.fromEntries(Object.entries(inputs).map(([key, [, input]]) => [key, input.value]));
  try {
    await api('PUT', path, { [wrapper]: { type: wrapper, ...body } });
    go(location.hash, `${title}: saved`);
  } catch (err) {
    go(location.hash, (err as Error).message, 'error');
  }
}

const text = (name: string, value: string | null | undefined) => h('input', { type: 'text', name, value: value ?? '' });
const editButton = (label: string, run: () => Promise<void>) =>
  h('button', { type: 'button', class: 'secondary', 'aria-label': label, onclick: () => void run() }, 'Edit');

export async function escalationPolicies(main: HTMLElement, me: Me): Promise<undefined> {
  const policies = await listAll<Policy>('/escalation_policies', 'escalation_policies');
  fill(
    main,
    h('h1', {}, 'Escalation policies'),
    table(
      ['Name', 'Levels', 'Teams', ''],
      policies.map((p) =>
        h(
          'tr',
          {},
          h('td', {}, p.name, p.description ? h('div', { class: 'muted' }, p.description) : null),
          h(
            'td',
            {},
            h(
              'ol',
              {},
              ...(p.escalation_rules ?? []).map((r) =>
                h(
                  'li',
                  {},
                  `${r.targets.map((t) => t.summary ?? t.id).join(', ')} (after ${r.escalation_delay_in_minutes} min)`,
                ),
              ),
            ),
          ),
          h('td', {}, (p.teams ?? []).map((t) => t.summary ?? t.id).join(', ')),
          h('td', {}, canManageCatalog(me) ? editButton(`Edit ${p.name}`, () => editPolicy(p)) : null),
        ),
      ),
    ),
  );
  return undefined;
}

const roles: [string, string][] = [
  ['admin', 'Admin'],
  ['user', 'Manager'],
  ['limited_user', 'Responder'],
  ['observer', 'Observer'],
  ['restricted_access', 'Restricted access'],
];

export async function users(main: HTMLElement, me: Me): Promise<undefined> {
  const all = await listAll<User>('/users', 'users');
  fill(
    main,
    h('h1', {}, 'Users'),
    table(
      ['Name', 'Email', 'Role', ''],
      all.map((u) =>
        h(
          'tr',
          {},
          h('td', {}, u.name),
          h('td', {}, u.email),
          h('td', {}, u.role),
          h(
            'td',
            {},
            canManageUsers(me) || u.id === me.id
              ? editButton(`Edit ${u.name}`, () =>
                  edit('Edit user', `/users/${u.id}`, 'user', {
                    name: ['Name', text('name', u.name)],
                    ...(canManageUsers(me) && u.role !== 'owner'
                      ? { role: ['Role', select('role', roles, u.role)] }
                      : {}),
                  }),
                )
              : null,
          ),
        ),
      ),
    ),
  );
  return undefined;
}

export async function teams(main: HTMLElement, me: Me): Promise<undefined> {
  const all = await listAll<Named>('/teams', 'teams');
  const name = text('team_name', '');
  const create = h(
    'form',
    {
      class: 'row',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          await api('POST', '/teams', { team: { type: 'team', name: name.value.trim() } });
          go(location.hash, `Team ${name.value.trim()} created`);
        } catch (err) {
          go(location.hash, (err as Error).message, 'error');
        }
      },
    },
    field('New team name', name),
    h('button', { type: 'submit' }, 'Create team'),
  );
  fill(
    main,
    h('h1', {}, 'Teams'),
    table(
      ['Name', 'Description', ''],
      all.map((t) =>
        h(
          'tr',
          {},
          h('td', {}, t.name),
          h('td', {}, t.description ?? ''),
          h(
            'td',
            {},
            canManageCatalog(me)
              ? editButton(`Edit ${t.name}`, () =>
                  edit('Edit team', `/teams/${t.id}`, 'team', {
                    name: ['Name', text('name', t.name)],
                    description: ['Description', text('description', t.description)],
                  }),
                )
              : null,
          ),
        ),
      ),
    ),
    canManageCatalog(me) ? create : null,
  );
  return undefined;
}

import { ApiError, api, setFrom } from './api';
import { clearFlash, field, fill, h } from './dom';
import { forgetToken, type Me, saveToken, token } from './session';
import { incidentPage } from './views/incident';
import { incidentsList } from './views/incidents';
import { onCall } from './views/oncall';
import { escalationPolicies, teams, users } from './views/people';
import { servicePage } from './views/service';
import { newService, serviceDirectory } from './views/services';

/** A screen draws itself into `main`; what it returns is called when the user leaves it (timers). */
export type Screen = (main: HTMLElement, me: Me, params: string[]) => Promise<(() => void) | undefined>;

const routes: [RegExp, Screen, string][] = [
  [/^\/services\/new$/, newService, 'services'],
  [/^\/services\/([^/]+)(?:\/(integrations|settings))?$/, servicePage, 'services'],
  [/^\/services$/, serviceDirectory, 'services'],
  [/^\/incidents\/([^/]+)$/, incidentPage, 'incidents'],
  [/^\/incidents$/, incidentsList, 'incidents'],
  [/^\/oncall$/, onCall, 'oncall'],
  [/^\/escalation_policies$/, escalationPolicies, 'escalation_policies'],
  [/^\/users$/, users, 'users'],
  [/^\/teams$/, teams, 'teams'],
];

const sections: [string, string][] = [
  ['incidents', 'Incidents'],
  ['services', 'Services'],
  ['oncall', 'On-call'],
  ['escalation_policies', 'Escalation policies'],
  ['users', 'Users'],
  ['teams', 'Teams'],
];

let me: Me | null = null;
let leave: (() => void) | undefined;

function signIn(main: HTMLElement, problem?: string): void {
  document.getElementById('nav')?.replaceChildren();
  document.getElementById('who')?.replaceChildren();
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true });
  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        saveToken(input.value.trim());
        await start();
      },
    },
    field('API token', input),
    h('p', { class: 'muted' }, 'The token is kept in this browser tab only and forgotten when the tab closes.'),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  fill(
    main,
    h('h1', {}, 'Sign in to Klaxon'),
    problem ? h('div', { class: 'error', role: 'alert' }, problem) : null,
    form,
  );
  input.focus();
}

function chrome(user: Me, current: string): void {
  document
    .getElementById('nav')
    ?.replaceChildren(
      ...sections.map(([id, text]) =>
        h('a', { href: `#/${id}`, 'aria-current': id === current ? 'page' : null }, text),
      ),
    );
  document.getElementById('who')?.replaceChildren(
    h('span', {}, `${user.name} (${user.role}) `),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          forgetToken();
          me = null;
          location.hash = '#/incidents';
          void render();
        },
      },
      'Sign out',
    ),
  );
}

// Counts renders, so a screen still loading when the user moves on is closed as soon as it is ready.
let generation = 0;

async function render(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  const mine = ++generation;
  leave?.();
  leave = undefined;
  if (!me) return signIn(main);
  const path = location.hash.replace(/^#/, '') || '/incidents';
  const match = routes.map(([re, screen, section]) => [re.exec(path), screen, section] as const).find(([m]) => m);
  if (!match) {
    location.hash = '#/incidents';
    return;
  }
  const [m, screen, section] = match;
  chrome(me, section);
  fill(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const params = (m as RegExpExecArray).slice(1).map((p) => (p ? decodeURIComponent(p) : ''));
    // Drawn apart and shown only if the user is still here, so a late screen never covers a newer one.
    const view = h('div');
    const close = await screen(view, me, params);
    if (mine !== generation) return close?.();
    leave = close;
    fill(main, view);
    view.querySelector<HTMLElement>('[autofocus]')?.focus();
  } catch (err) {
    if (mine === generation) fill(main, h('div', { class: 'error', role: 'alert' }, (err as Error).message));
  }
}

async function start(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  if (!token()) return signIn(main);
  try {
    me = (await api<{ user: Me }>('GET', '/users/me')).user;
    setFrom(me.email);
  } catch (err) {
    forgetToken();
    return signIn(main, err instanceof ApiError ? err.message : `Klaxon did not answer: ${(err as Error).message}`);
  }
  await render();
}

window.addEventListener('hashchange', () => {
  clearFlash();
  void render();
});
void start();

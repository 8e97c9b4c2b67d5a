import { api, listAll } from '../api';
import { ask, field, fill, flash, go, h, select } from '../dom';
import { canManageCatalog, type Me } from '../session';
import { integrationsTab } from './integrations';
import type { Ref, Service } from './model';
import { noiseReduction } from './noise-reduction';

/** A service: its header, and the Integrations and Settings tabs. */
export async function servicePage(
  main: HTMLElement,
  me: Me,
  [id = '', tab = 'integrations']: string[],
): Promise<undefined> {
  const { service } = await api<{ service: Service }>('GET', `/services/${id}?include[]=integrations&include[]=teams`);
  const tabs = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Service sections' },
    h(
      'a',
      { href: `#/services/${id}/integrations`, 'aria-current': tab === 'integrations' ? 'page' : null },
      'Integrations',
    ),
    h('a', { href: `#/services/${id}/settings`, 'aria-current': tab === 'settings' ? 'page' : null }, 'Settings'),
  );
  const content = h('section');
  fill(
    main,
    h('p', {}, h('a', { href: '#/services' }, '← Service Directory')),
    h('h1', {}, service.name, ' ', h('span', { class: `status status-${service.status}` }, service.status)),
    service.description ? h('p', {}, service.description) : null,
    h(
      'p',
      { class: 'muted' },
      'Escalation policy: ',
      service.escalation_policy.summary ?? service.escalation_policy.id,
    ),
    tabs,
    content,
  );
  if (tab === 'settings') await settingsTab(content, me, service);
  else await integrationsTab(content, me, service);
  return undefined;
}

const minutes = (seconds: number | null) => (seconds === null ? '' : String(Math.round(seconds / 60)));

/** Settings: edit, disable or enable, delete after typing the service's name. */
async function settingsTab(section: HTMLElement, me: Me, service: Service): Promise<void> {
  const policies = await listAll<Ref & { name: string }>('/escalation_policies', 'escalation_policies');
  const name = h('input', { type: 'text', name: 'name', value: service.name, required: true, maxlength: 255 });
  const description = h('textarea', { name: 'description', maxlength: 1024 }, service.description ?? '');
  const policy = select(
    'escalation_policy',
    policies.map((p) => [p.id, p.name]),
    service.escalation_policy.id,
  );
  const urgency = select(
    'urgency',
    [
      ['high', 'High urgency'],
      ['low', 'Low urgency'],
      ['severity_based', 'Dynamic: based on alert severity'],
    ],
    service.incident_urgency_rule?.urgency ?? 'high',
  );
  const ackTimeout = h('input', {
    type: 'number',
    name: 'ack_timeout',
    min: 0,
    value: minutes(service.acknowledgement_timeout),
  });
  const autoResolve = h('input', {
    type: 'number',
    name: 'auto_resolve',
    min: 0,
    value: minutes(service.auto_resolve_timeout),
  });
  const noise = noiseReduction(service);
  const toSeconds = (input: HTMLInputElement) => (input.value === '' ? null : Number(input.value) * 60);
  const update = async (fields: Record<string, unknown>, done: string) => {
    try {
      await api('PUT', `/services/${service.id}`, { service: { type: 'service', ...fields } });
      go(location.hash, done);
    } catch (err) {
      flash((err as Error).message, 'error');
    }
  };
  const manage = canManageCatalog(me);
  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        void update(
          {
            name: name.value.trim(),
            description: description.value.trim() || null,
            escalation_policy: { id: policy.value, type: 'escalation_policy_reference' },
            incident_urgency_rule: { type: 'constant', urgency: urgency.value },
            acknowledgement_timeout: toSeconds(ackTimeout),
            auto_resolve_timeout: toSeconds(autoResolve),
            ...noise.read(),
          },
          'Service settings saved',
        );
      },
    },
    field('Name', name),
    field('Description', description),
    field('Escalation policy', policy),
    field('Urgency', urgency),
    field('Acknowledgement timeout (minutes, empty: never)', ackTimeout),
    field('Auto-resolve after (minutes, empty: never)', autoResolve),
    noise.element,
    manage ? h('button', { type: 'submit' }, 'Save settings') : null,
  );
  const disabled = service.status === 'disabled';
  const remove = async () => {
    const typed = h('input', { type: 'text', name: 'confirm_name', autocomplete: 'off' });
    const answer = await ask(
      'Delete service',
      [
        `Deleting ${service.name} removes it and its integrations; its incidents stay. Type the service's name to confirm.`,
        field('Service name', typed),
      ],
      [['delete', 'Delete service', 'danger']],
    );
    if (answer !== 'delete') return;
    if (typed.value !== service.name) return flash('The name typed does not match; nothing was deleted.', 'error');
    try {
      await api('DELETE', `/services/${service.id}`);
      go('#/services', `Service ${service.name} deleted`);
    } catch (err) {
      flash((err as Error).message, 'error');
    }
  };
  fill(
    section,
    h('h2', {}, 'Settings'),
    form,
    manage
      ? h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () =>
                void update(
                  { status: disabled ? 'active' : 'disabled' },
                  disabled ? 'Service enabled' : 'Service disabled',
                ),
            },
            disabled ? 'Enable service' : 'Disable service',
          ),
          h('button', { type: 'button', class: 'danger', onclick: () => void remove() }, 'Delete service'),
        )
      : null,
  );
}

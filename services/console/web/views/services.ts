import { api, listAll, q } from '../api';
import { field, fill, flash, go, h, select, table } from '../dom';
import { canManageCatalog, type Me } from '../session';
import type { Incident, Ref, Service, Vendor } from './model';
import { noiseReduction } from './noise-reduction';

/** Service Directory: search by name, each service's status, team and open incidents. */
export async function serviceDirectory(main: HTMLElement, me: Me): Promise<undefined> {
  const search = h('input', { type: 'search', name: 'query', placeholder: 'Search services' });
  const body = h('tbody');
  const list = table(['Name', 'Status', 'Team', 'Open incidents', 'Escalation policy'], body);
  const load = async () => {
    const query = search.value.trim();
    const [services, open] = await Promise.all([
      listAll<Service>(`/services?include[]=teams${query ? `&query=${q(query)}` : ''}`, 'services'),
      listAll<Incident>('/incidents?statuses[]=triggered&statuses[]=acknowledged&date_range=all', 'incidents', 10000),
    ]);
    const counts = new Map<string, number>();
    for (const incident of open) counts.set(incident.service.id, (counts.get(incident.service.id) ?? 0) + 1);
    body.replaceChildren(
      ...services.map((s) =>
        h(
          'tr',
          { 'data-service': s.name },
          h('td', {}, h('a', { href: `#/services/${s.id}` }, s.name)),
          h('td', {}, h('span', { class: `status status-${s.status}` }, s.status)),
          h('td', {}, (s.teams ?? []).map((t) => t.summary ?? t.id).join(', ') || '—'),
          h('td', {}, String(counts.get(s.id) ?? 0)),
          h('td', {}, s.escalation_policy?.summary ?? ''),
        ),
      ),
    );
    if (services.length === 0) body.replaceChildren(h('tr', {}, h('td', { colspan: 5 }, 'No services match.')));
  };
  let pending: number | undefined;
  search.addEventListener('input', () => {
    clearTimeout(pending);
    pending = window.setTimeout(() => void load().catch((err: Error) => flash(err.message, 'error')), 250);
  });
  fill(
    main,
    h('h1', {}, 'Service Directory'),
    h(
      'div',
      { class: 'row' },
      field('Search services', search),
      canManageCatalog(me)
        ? h(
            'button',
            {
              type: 'button',
              onclick: () => {
                location.hash = '#/services/new';
              },
            },
            'New Service',
          )
        : null,
    ),
    list,
  );
  await load();
  return undefined;
}

/**
 * New Service: name, description, an existing escalation policy or a generated one (the API
 * generates it when none is named), urgency, timeouts, noise reduction and integrations.
 */
export async function newService(main: HTMLElement): Promise<undefined> {
  const [policies, vendors] = await Promise.all([
    listAll<Ref & { name: string }>('/escalation_policies', 'escalation_policies'),
    listAll<Vendor>('/vendors', 'vendors'),
  ]);
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 255, autofocus: true });
  const description = h('textarea', { name: 'description', maxlength: 1024 });
  const policyChoice = (value: string, text: string, checked: boolean) =>
    h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'policy_mode', value, checked }), text);
  const policy = select(
    'escalation_policy',
    policies.map((p) => [p.id, p.name]),
  );
  const urgency = select('urgency', [
    ['high', 'High urgency'],
    ['low', 'Low urgency'],
    ['severity_based', 'Dynamic: based on alert severity'],
  ]);
  const ackTimeout = h('input', { type: 'number', name: 'ack_timeout', min: 0, placeholder: 'minutes (empty: never)' });
  const autoResolve = h('input', {
    type: 'number',
    name: 'auto_resolve',
    min: 0,
    placeholder: 'minutes (empty: never)',
  });
  const noise = noiseReduction();
  const vendorBoxes = vendors.map((v) =>
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'vendors', value: v.id }), v.name),
  );
  const minutes = (input: HTMLInputElement) => (input.value === '' ? null : Number(input.value) * 60);

  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const generate =
          (form.querySelector('input[name="policy_mode"]:checked') as HTMLInputElement).value === 'generate';
        const service = {
          type: 'service',
          name: name.value.trim(),
          description: description.value.trim() || null,
          ...(generate ? {} : { escalation_policy: { id: policy.value, type: 'escalation_policy_reference' } }),
          incident_urgency_rule: { type: 'constant', urgency: urgency.value },
          acknowledgement_timeout: minutes(ackTimeout),
          auto_resolve_timeout: minutes(autoResolve),
          ...noise.read(),
        };
        try {
          const created = (await api<{ service: Service }>('POST', '/services', { service })).service;
          for (const box of vendorBoxes.map((l) => l.querySelector('input') as HTMLInputElement)) {
            if (!box.checked) continue;
            const vendor = vendors.find((v) => v.id === box.value) as Vendor;
            await api('POST', `/services/${created.id}/integrations`, {
              integration: {
                type: vendor.integration_type,
                name: vendor.name,
                vendor: { id: vendor.id, type: 'vendor_reference' },
              },
            });
          }
          go(
            `#/services/${created.id}/integrations`,
            `Service ${created.name} created with escalation policy ${created.escalation_policy.summary ?? ''}`,
          );
        } catch (err) {
          flash((err as Error).message, 'error');
        }
      },
    },
    field('Name', name),
    field('Description', description),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Escalation policy'),
      policyChoice('generate', 'Generate a new escalation policy (you are notified first)', true),
      policyChoice('existing', 'Select an existing escalation policy', false),
      field('Existing escalation policy', policy),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Incident settings'),
      field('Urgency', urgency),
      field('Acknowledgement timeout (minutes)', ackTimeout),
      field('Auto-resolve after (minutes)', autoResolve),
    ),
    noise.element,
    h('fieldset', {}, h('legend', {}, 'Integrations'), ...vendorBoxes),
    h('button', { type: 'submit' }, 'Create service'),
  );
  fill(main, h('h1', {}, 'New Service'), form);
  return undefined;
}

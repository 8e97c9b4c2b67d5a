import { api, listAll } from '../api';
import { ask, field, fill, flash, go, h, select, table } from '../dom';
import { canManageCatalog, type Me } from '../session';
import type { Integration, Ref, Service, Vendor } from './model';

const types: [string, string][] = [
  ['events_api_v2_inbound_integration', 'Events API v2'],
  ['generic_events_api_inbound_integration', 'Events API v1'],
  ['generic_email_inbound_integration', 'Email'],
];

/** Where a monitoring tool sends this integration's events: Klaxon's own Events API on this origin. */
function eventsUrl(integration: Integration): string | null {
  if (integration.type === 'generic_email_inbound_integration') return null;
  if (integration.type === 'generic_events_api_inbound_integration')
    return `${location.origin}/generic/2010-04-15/create_event.json`;
  return `${location.origin}/v2/enqueue`;
}

/**
 * Copies text. The Clipboard API needs a secure context (https or localhost); a console opened
 * over plain http elsewhere falls back to selecting a hidden field and the copy command.
 */
async function copy(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h('textarea', { 'aria-hidden': 'true', class: 'offscreen' }, text);
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  flash(`${what} copied to the clipboard`);
}

function copyable(label: string, value: string): HTMLElement {
  return h(
    'div',
    { class: 'row' },
    h('code', { 'data-copy': label }, value),
    h(
      'button',
      { type: 'button', class: 'secondary', 'aria-label': `Copy ${label}`, onclick: () => void copy(value, label) },
      'Copy',
    ),
  );
}

/** The Integrations tab: add by type or vendor, then rename, regenerate the key, move or delete each one. */
export async function integrationsTab(section: HTMLElement, me: Me, service: Service): Promise<void> {
  const base = `/services/${service.id}/integrations`;
  const [integrations, vendors, services] = await Promise.all([
    Promise.all(
      (service.integrations ?? []).map(
        async (ref) => (await api<{ integration: Integration }>('GET', `${base}/${ref.id}`)).integration,
      ),
    ),
    listAll<Vendor>('/vendors', 'vendors'),
    listAll<Ref & { name: string }>('/services', 'services'),
  ]);
  const manage = canManageCatalog(me);
  const run = async (work: () => Promise<string>) => {
    try {
      go(location.hash, await work());
    } catch (err) {
      flash((err as Error).message, 'error');
    }
  };

  const rename = async (integration: Integration) => {
    const input = h('input', { type: 'text', name: 'integration_name', value: integration.name, maxlength: 255 });
    if ((await ask('Rename integration', [field('Integration name', input)], [['save', 'Save']])) !== 'save') return;
    await run(async () => {
      await api('PUT', `${base}/${integration.id}`, {
        integration: { type: integration.type, name: input.value.trim() },
      });
      return 'Integration renamed';
    });
  };
  const regenerate = async (integration: Integration) => {
    const warning = `A new integration key replaces the current one, and the old key stops working at once: tools still sending to it will be refused until they use the new key.`;
    if (
      (await ask(
        'Regenerate integration key',
        [h('div', { class: 'notice' }, warning)],
        [['regenerate', 'Regenerate key', 'danger']],
      )) !== 'regenerate'
    )
      return;
    await run(async () => {
      await api('POST', `${base}/${integration.id}/regenerate_key`);
      return 'Integration key regenerated; the old key no longer works';
    });
  };
  const move = async (integration: Integration) => {
    const others = services.filter((s) => s.id !== service.id);
    const target = select(
      'target_service',
      others.map((s) => [s.id, s.name]),
    );
    const note =
      'The key stays the same and its open incidents follow. Integrations with more than 8,000 open incidents cannot be moved.';
    if (
      (await ask(
        'Move integration',
        [h('p', {}, note), field('Move to service', target)],
        [['move', 'Move integration']],
      )) !== 'move'
    )
      return;
    try {
      const { warnings } = await api<{ warnings?: string[] }>('POST', `${base}/${integration.id}/move`, {
        service: { id: target.value, type: 'service_reference' },
      });
      const moved = `Integration moved to ${target.selectedOptions[0]?.text ?? target.value}.`;
      go(
        location.hash,
        warnings?.length ? `${moved} ${warnings.join(' ')}` : moved,
        warnings?.length ? 'notice' : 'success',
      );
    } catch (err) {
      flash((err as Error).message, 'error');
    }
  };
  const remove = async (integration: Integration) => {
    const text = `Delete ${integration.name}? Events sent with its key will be refused; its incidents stay.`;
    if ((await ask('Delete integration', [text], [['delete', 'Delete integration', 'danger']])) !== 'delete') return;
    await run(async () => {
      await api('DELETE', `${base}/${integration.id}`);
      return 'Integration deleted';
    });
  };

  const rows = integrations.map((i) => {
    const url = eventsUrl(i);
    return h(
      'tr',
      { 'data-integration': i.name },
      h('td', {}, i.name),
      h('td', {}, i.vendor?.summary ?? types.find(([t]) => t === i.type)?.[1] ?? i.type),
      h(
        'td',
        {},
        i.integration_key ? copyable('Integration key', i.integration_key) : null,
        i.integration_email ? copyable('Integration email', i.integration_email) : null,
        url ? copyable('Events API URL', url) : null,
      ),
      h(
        'td',
        {},
        manage
          ? h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', class: 'secondary', onclick: () => void rename(i) }, 'Rename'),
              i.integration_key
                ? h(
                    'button',
                    { type: 'button', class: 'secondary', onclick: () => void regenerate(i) },
                    'Regenerate key',
                  )
                : null,
              h('button', { type: 'button', class: 'secondary', onclick: () => void move(i) }, 'Move'),
              h('button', { type: 'button', class: 'danger', onclick: () => void remove(i) }, 'Delete'),
            )
          : null,
      ),
    );
  });

  const kind = select('integration_kind', [
    ...types.map(([t, name]): [string, string] => [`type:${t}`, `${name} (type)`]),
    ...vendors.map((v): [string, string] => [`vendor:${v.id}`, `${v.name} (vendor)`]),
  ]);
  const name = h('input', {
    type: 'text',
    name: 'new_integration_name',
    maxlength: 255,
    placeholder: 'e.g. Alertmanager',
  });
  const add = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        const [how, value = ''] = kind.value.split(':');
        const vendor = how === 'vendor' ? vendors.find((v) => v.id === value) : undefined;
        const integration = vendor
          ? {
              type: vendor.integration_type,
              vendor: { id: vendor.id, type: 'vendor_reference' },
              name: name.value.trim() || vendor.name,
            }
          : { type: value, name: name.value.trim() || (types.find(([t]) => t === value)?.[1] ?? value) };
        void run(async () => {
          await api('POST', base, { integration });
          return `Integration ${integration.name} added`;
        });
      },
    },
    h('h2', {}, 'Add an integration'),
    h(
      'div',
      { class: 'row' },
      field('Integration type or vendor', kind),
      field('Integration name', name),
      h('button', { type: 'submit' }, 'Add integration'),
    ),
  );

  fill(
    section,
    h('h2', {}, 'Integrations'),
    rows.length
      ? table(['Name', 'Type', 'Key and URL', 'Actions'], h('tbody', {}, ...rows))
      : h('p', { class: 'muted' }, 'No integrations yet.'),
    manage ? add : null,
  );
}

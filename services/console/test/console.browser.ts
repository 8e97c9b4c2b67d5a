import path from 'node:path';
import { waitFor } from '@klaxon/testing';
import type { Page } from 'playwright-core';
import { artifactsDir, type Browser, type Klaxon, openBrowser, restClient, startKlaxon } from './harness';

// The console as an operator and a responder use it, in Debian's Chromium against a real
// all-in-one: every screen is reached by clicking, and every change is checked through the REST API.
type Rest = ReturnType<typeof restClient>;
interface Service {
  id: string;
  name: string;
  status: string;
  escalation_policy: { id: string; summary: string };
  alert_grouping_parameters: { type: string | null; config: Record<string, unknown> | null };
  auto_pause_notifications_parameters: { enabled: boolean; timeout: number | null };
  acknowledgement_timeout: number | null;
  incident_urgency_rule: { urgency: string };
  integrations: { id: string }[];
}
interface Incident {
  id: string;
  incident_number: number;
  title: string;
  status: string;
  assignments: { assignee: { id: string } }[];
}

let klaxon: Klaxon;
let browser: Browser;
let page: Page;
let rest: Rest;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
const flash = () => page.locator('#flash');
const main = () => page.locator('main');

async function signIn(p: Page, token: string): Promise<void> {
  await p.goto(`${klaxon.baseUrl}/`);
  await p.getByLabel('API token').fill(token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Incidents', exact: true }).waitFor();
}

async function enqueue(routingKey: string, summary: string, dedupKey: string) {
  return fetch(`${klaxon.baseUrl}/v2/enqueue`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { summary, source: 'checkout-1', severity: 'critical', custom_details: { region: 'eu-west-1' } },
    }),
  });
}

/** Ingest learns keys from catalog.changes: the first event is retried until the key is known. */
async function sendEvent(routingKey: string, summary: string, dedupKey = summary) {
  await waitFor(async () => (await enqueue(routingKey, summary, dedupKey)).status === 202, {
    what: 'the integration key to be accepted',
    timeoutMs: 30_000,
    intervalMs: 200,
  });
}

async function incidentsOf(serviceId: string): Promise<Incident[]> {
  const res = await rest<{ incidents: Incident[] }>('GET', `/incidents?service_ids[]=${serviceId}&date_range=all`);
  return res.body.incidents;
}

async function serviceNamed(name: string): Promise<Service | undefined> {
  const res = await rest<{ services: Service[] }>('GET', `/services?query=${encodeURIComponent(name)}`);
  return res.body.services.find((s) => s.name === name);
}

beforeAll(async () => {
  klaxon = await startKlaxon();
  rest = restClient(klaxon.baseUrl, klaxon.token);
  browser = await openBrowser(klaxon.baseUrl);
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // A Content-Security-Policy violation means something the console relies on was silently dropped.
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy'))
      pageErrors.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await klaxon?.stop();
});

describe('the console, signed in as the account owner', () => {
  let checkout: Service;
  let key = '';

  it('signs in with an API token kept in sessionStorage only', async () => {
    await page.goto(`${klaxon.baseUrl}/`);
    await shot('sign-in');
    await page.getByLabel('API token').fill('not-a-valid-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The API's own refusal is shown.
    const refused = await fetch(`${klaxon.baseUrl}/users/me`, {
      headers: { Authorization: 'Token token=not-a-valid-token-at-all' },
    });
    const message = ((await refused.json()) as { error: { message: string } }).error.message;
    await page.getByRole('alert').filter({ hasText: message }).waitFor();

    await signIn(page, klaxon.token);
    await page.getByText('Account Owner (owner)').waitFor();
    // Evaluated in the page (the test's own TypeScript has no DOM types).
    const storage = await page.evaluate(
      "({ session: sessionStorage.getItem('klaxon.token'), local: localStorage.length, cookie: document.cookie })",
    );
    expect(storage).toEqual({ session: klaxon.token, local: 0, cookie: '' });
  });

  it('creates a service with a generated escalation policy, intelligent grouping and auto-pause', async () => {
    await page.getByRole('link', { name: 'Services' }).click();
    await page.getByRole('heading', { name: 'Service Directory' }).waitFor();
    await page.getByRole('button', { name: 'New Service' }).click();
    await page.getByRole('heading', { name: 'New Service' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Checkout');
    await page.getByLabel('Description').fill('Takes the money');
    await page.getByLabel('Generate a new escalation policy').check();
    await page.getByLabel('Urgency').selectOption('high');
    await page.getByLabel('Acknowledgement timeout (minutes)').fill('30');
    await page.getByLabel('Intelligent alert grouping').check();
    await page.getByLabel('Intelligent grouping window').selectOption({ label: '10 minutes' });
    await page.getByLabel('Auto-pause incident notifications for transient alerts').check();
    await page.getByLabel('Pause for').selectOption({ label: '3 minutes' });
    await shot('new-service');
    await page.getByRole('button', { name: 'Create service' }).click();
    await flash().getByText('Service Checkout created with escalation policy').waitFor();

    checkout = (await serviceNamed('Checkout')) as Service;
    expect(checkout).toMatchObject({
      description: 'Takes the money',
      acknowledgement_timeout: 1800,
      alert_grouping_parameters: { type: 'intelligent', config: expect.objectContaining({ time_window: 600 }) },
      auto_pause_notifications_parameters: { enabled: true, timeout: 180 },
    });
    // The generated policy's first level is the requester.
    const policy = await rest<{ escalation_policy: { escalation_rules: { targets: { summary: string }[] }[] } }>(
      'GET',
      `/escalation_policies/${checkout.escalation_policy.id}`,
    );
    expect(policy.body.escalation_policy.escalation_rules[0]?.targets.map((t) => t.summary)).toEqual(['Account Owner']);
    expect(page.url()).toContain(`#/services/${checkout.id}/integrations`);
  });

  it('adds an Events API v2 integration, copies its key and Events API URL', async () => {
    await page.getByLabel('Integration type or vendor').selectOption({ label: 'Events API v2 (type)' });
    await page.getByLabel('Integration name').fill('Alertmanager');
    await page.getByRole('button', { name: 'Add integration' }).click();
    const row = page.locator('tr[data-integration="Alertmanager"]');
    await row.waitFor();
    await flash().getByText('Integration Alertmanager added').waitFor();
    await shot('integrations');

    const shown = await row.locator('[data-copy="Integration key"]').textContent();
    const service = await rest<{ service: Service }>('GET', `/services/${checkout.id}`);
    const integrationId = service.body.service.integrations[0]?.id;
    const integration = await rest<{ integration: { integration_key: string } }>(
      'GET',
      `/services/${checkout.id}/integrations/${integrationId}`,
    );
    key = integration.body.integration.integration_key;
    expect(shown).toBe(key);

    await row.getByRole('button', { name: 'Copy Integration key' }).click();
    await flash().getByText('Integration key copied').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    await row.getByRole('button', { name: 'Copy Events API URL' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${klaxon.baseUrl}/v2/enqueue`);
  });

  it('shows an event sent with the copied key as an incident, then acknowledges, snoozes and resolves it from the list', async () => {
    await sendEvent(key, 'p99 latency above 2s');
    await page.getByRole('link', { name: 'Incidents' }).click();
    const row = page.locator('tr[data-incident="p99 latency above 2s"]');
    // The list refreshes itself: nobody reloads the page.
    await row.waitFor({ timeout: 60_000 });
    await shot('incidents');
    await row.getByRole('checkbox').check();
    await page.getByRole('toolbar').getByRole('button', { name: 'Acknowledge' }).click();
    await flash().getByText('1 incident acknowledged').waitFor();
    await row.getByText('acknowledged', { exact: true }).waitFor();
    const [incident] = await incidentsOf(checkout.id);
    expect(incident?.status).toBe('acknowledged');

    await row.getByRole('checkbox').check();
    await page.getByRole('toolbar').getByRole('button', { name: 'Snooze' }).click();
    await page.getByRole('dialog', { name: 'Snooze' }).getByLabel('Snooze for').selectOption({ label: '4 hours' });
    await page.getByRole('dialog', { name: 'Snooze' }).getByRole('button', { name: 'Snooze' }).click();
    await flash().getByText('Snoozed for 4 hours').waitFor();
    const log = await rest<{ log_entries: { type: string }[] }>('GET', `/incidents/${incident?.id}/log_entries`);
    expect(log.body.log_entries.map((e) => e.type)).toContain('snooze_log_entry');

    await row.getByRole('checkbox').check();
    await page.getByRole('toolbar').getByRole('button', { name: 'Resolve' }).click();
    await flash().getByText('1 incident resolved').waitFor();
    // Resolved incidents are filtered out by default, and shown with the resolved filter.
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('resolved').check();
    await row.getByText('resolved', { exact: true }).waitFor();
    expect((await incidentsOf(checkout.id))[0]?.status).toBe('resolved');
  });

  it('opens the incident page with its alerts, custom details, timeline and notes', async () => {
    await page.locator('tr[data-incident="p99 latency above 2s"]').getByRole('link').click();
    await page.getByRole('heading', { name: /p99 latency above 2s/ }).waitFor();
    await page.getByRole('heading', { name: 'Alerts (1)' }).waitFor();
    await expect(main().textContent()).resolves.toContain('eu-west-1');
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline
      .getByText(/Triggered/i)
      .first()
      .waitFor();
    await timeline
      .getByText(/Resolved/i)
      .first()
      .waitFor();
    await page.getByLabel('Add a note').fill('Rolled back the deploy');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByRole('list', { name: 'Notes' }).getByText('Rolled back the deploy').waitFor();
    await shot('incident');
    const [incident] = await incidentsOf(checkout.id);
    const notes = await rest<{ notes: { content: string }[] }>('GET', `/incidents/${incident?.id}/notes`);
    expect(notes.body.notes.map((n) => n.content)).toEqual(['Rolled back the deploy']);
  });

  it('renames the integration, regenerates its key after a warning, and the old key stops', async () => {
    await page.goto(`${klaxon.baseUrl}/#/services/${checkout.id}/integrations`);
    const row = page.locator('tr[data-integration="Alertmanager"]');
    await row.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename integration' });
    await rename.getByLabel('Integration name').fill('Alertmanager prod');
    await rename.getByRole('button', { name: 'Save' }).click();
    const renamed = page.locator('tr[data-integration="Alertmanager prod"]');
    await renamed.waitFor();

    await renamed.getByRole('button', { name: 'Regenerate key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate integration key' });
    await dialog.getByText('the old key stops working at once').waitFor();
    await dialog.getByRole('button', { name: 'Regenerate key' }).click();
    await flash().getByText('Integration key regenerated').waitFor();
    await waitFor(async () => (await renamed.locator('[data-copy="Integration key"]').textContent()) !== key, {
      what: 'the new key to be shown',
    });
    const fresh = (await renamed.locator('[data-copy="Integration key"]').textContent()) ?? '';
    expect(fresh).toHaveLength(32);
    await waitFor(async () => (await enqueue(key, 'after regeneration', 'old-key')).status === 400, {
      what: 'the old key to be refused',
    });
    await sendEvent(fresh, 'sent with the new key');
    key = fresh;
  });

  it('moves the integration to another service, showing where their settings differ, then deletes it', async () => {
    const other = await rest<{ service: Service }>('POST', '/services', {
      service: { type: 'service', name: 'Payments', alert_grouping_parameters: { type: null } },
    });
    expect(other.status).toBe(201);
    await page.reload();
    const row = page.locator('tr[data-integration="Alertmanager prod"]');
    await row.getByRole('button', { name: 'Move' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move integration' });
    await dialog.getByText('more than 8,000 open incidents cannot be moved').waitFor();
    await dialog.getByLabel('Move to service').selectOption({ label: 'Payments' });
    await dialog.getByRole('button', { name: 'Move integration' }).click();
    await flash().getByText('Integration moved to Payments.').waitFor();
    await expect(flash().textContent()).resolves.toContain('The services differ in alert_grouping_parameters');
    await row.waitFor({ state: 'detached' });
    const moved = await rest<{ service: Service }>('GET', `/services/${other.body.service.id}`);
    expect(moved.body.service.integrations).toHaveLength(1);

    await page.goto(`${klaxon.baseUrl}/#/services/${other.body.service.id}/integrations`);
    await row.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete integration' })
      .getByRole('button', { name: 'Delete integration' })
      .click();
    await flash().getByText('Integration deleted').waitFor();
    await page.getByText('No integrations yet.').waitFor();
    const after = await rest<{ service: Service }>('GET', `/services/${other.body.service.id}`);
    expect(after.body.service.integrations).toEqual([]);
  });

  it('reassigns and merges incidents chosen together in the list', async () => {
    const payments = (await serviceNamed('Payments')) as Service;
    const responder = await rest<{ user: { id: string } }>('POST', '/users', {
      user: { type: 'user', name: 'Rita Responder', email: 'rita@example.com', role: 'limited_user' },
    });
    expect(responder.status).toBe(201);
    for (const title of ['disk full on db-1', 'disk full on db-2']) {
      const created = await rest('POST', '/incidents', {
        incident: { type: 'incident', title, service: { id: payments.id, type: 'service_reference' } },
      });
      expect(created.status).toBe(201);
    }
    await page.goto(`${klaxon.baseUrl}/#/incidents`);
    await page.getByLabel('Service').selectOption({ label: 'Payments' });
    const first = page.locator('tr[data-incident="disk full on db-1"]');
    const second = page.locator('tr[data-incident="disk full on db-2"]');
    await second.waitFor({ timeout: 60_000 });
    await first.getByRole('checkbox').check();
    await second.getByRole('checkbox').check();
    await page.getByRole('toolbar').getByRole('button', { name: 'Reassign' }).click();
    const reassign = page.getByRole('dialog', { name: 'Reassign' });
    await reassign.getByLabel('Assign to').selectOption({ label: 'Rita Responder <rita@example.com>' });
    await reassign.getByRole('button', { name: 'Reassign' }).click();
    await flash().getByText('Reassigned to Rita Responder').waitFor();
    await first.getByText('Rita Responder').waitFor();
    // Payments also holds the incident that followed the moved integration.
    const assigned = (await incidentsOf(payments.id))
      .filter((i) => i.title.startsWith('disk full'))
      .map((i) => i.assignments.map((a) => a.assignee.id));
    expect(assigned).toEqual([[responder.body.user.id], [responder.body.user.id]]);

    // "Assigned to me" hides them now.
    await page.getByLabel('Assigned to me').check();
    await first.waitFor({ state: 'detached' });
    await page.getByLabel('Assigned to me').uncheck();
    await first.waitFor();

    await first.getByRole('checkbox').check();
    await second.getByRole('checkbox').check();
    await page.getByRole('toolbar').getByRole('button', { name: 'Merge' }).click();
    const merge = page.getByRole('dialog', { name: 'Merge incidents' });
    const target = (await incidentsOf(payments.id)).find((i) => i.title === 'disk full on db-1') as Incident;
    await merge.getByLabel('Merge into').selectOption(target.id);
    await merge.getByRole('button', { name: 'Merge' }).click();
    await flash().getByText('1 incident merged').waitFor();
    await second.waitFor({ state: 'detached' });
    const statuses = Object.fromEntries((await incidentsOf(payments.id)).map((i) => [i.title, i.status]));
    expect(statuses).toMatchObject({ 'disk full on db-1': 'triggered', 'disk full on db-2': 'resolved' });
  });

  it('edits the service settings, disables it (shown in the directory), enables it and deletes it after confirmation', async () => {
    await page.goto(`${klaxon.baseUrl}/#/services/${checkout.id}`);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Urgency').selectOption('low');
    await page.getByLabel('Acknowledgement timeout (minutes, empty: never)').fill('');
    await page.getByLabel('Time-based alert grouping').check();
    await page.getByLabel('Time-based grouping: minutes (0 = until the incident resolves)').fill('15');
    await shot('service-settings');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await flash().getByText('Service settings saved').waitFor();
    expect(await serviceNamed('Checkout')).toMatchObject({
      acknowledgement_timeout: null,
      incident_urgency_rule: { urgency: 'low' },
      alert_grouping_parameters: { type: 'time', config: { timeout: 15 } },
    });

    // Bad input is refused by the API with its message, and nothing changes.
    await page.getByLabel('Content-based alert grouping').check();
    await page.getByLabel('source').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').filter({ hasText: 'alert_grouping_parameters.config.fields' }).waitFor();
    expect((await serviceNamed('Checkout'))?.alert_grouping_parameters).toEqual({
      type: 'time',
      config: { timeout: 15 },
    });

    await page.getByRole('button', { name: 'Disable service' }).click();
    await flash().getByText('Service disabled').waitFor();
    await page.getByRole('link', { name: 'Services', exact: true }).click();
    await page.getByLabel('Search services').fill('check');
    await page.locator('tr[data-service="Payments"]').waitFor({ state: 'detached' });
    const dirRow = page.locator('tr[data-service="Checkout"]');
    await dirRow.getByText('disabled').waitFor();
    await shot('service-directory');

    await dirRow.getByRole('link', { name: 'Checkout' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Enable service' }).click();
    await flash().getByText('Service enabled').waitFor();
    expect((await serviceNamed('Checkout'))?.status).not.toBe('disabled');

    // Escape closes the dialog, and a wrong confirmation deletes nothing.
    await page.getByRole('button', { name: 'Delete service' }).click();
    await page.getByRole('dialog', { name: 'Delete service' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Delete service' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delete service' }).click();
    let dialog = page.getByRole('dialog', { name: 'Delete service' });
    await dialog.getByLabel('Service name').fill('Checkou');
    await dialog.getByRole('button', { name: 'Delete service' }).click();
    await flash().getByText('does not match').waitFor();
    expect(await serviceNamed('Checkout')).toBeDefined();

    await page.getByRole('button', { name: 'Delete service' }).click();
    dialog = page.getByRole('dialog', { name: 'Delete service' });
    await dialog.getByLabel('Service name').fill('Checkout');
    await dialog.getByRole('button', { name: 'Delete service' }).click();
    await flash().getByText('Service Checkout deleted').waitFor();
    await page.getByRole('heading', { name: 'Service Directory' }).waitFor();
    expect((await rest('GET', `/services/${checkout.id}`)).status).toBe(404);
  });

  it('shows on-call, escalation policies, users and teams, and edits a team', async () => {
    const me = await rest<{ user: { id: string } }>('GET', '/users/me');
    const start = new Date(Date.now() - 3600_000).toISOString();
    const schedule = await rest('POST', '/schedules', {
      schedule: {
        type: 'schedule',
        name: 'Primary rota',
        time_zone: 'UTC',
        schedule_layers: [
          {
            start,
            rotation_virtual_start: start,
            rotation_turn_length_seconds: 86400,
            users: [{ user: { id: me.body.user.id, type: 'user_reference' } }],
          },
        ],
      },
    });
    expect(schedule.status).toBe(201);
    await page.getByRole('link', { name: 'On-call' }).click();
    await page.getByRole('heading', { name: 'On-call now' }).waitFor();
    // Payments' generated policy has the owner at level 1; the rota's week is drawn as bars.
    await page
      .getByRole('row', { name: /Account Owner/ })
      .first()
      .waitFor();
    const week = page.getByRole('list', { name: 'Primary rota, next 7 days' });
    await week.getByRole('listitem').first().waitFor();
    expect(await week.getByRole('listitem').first().getAttribute('aria-label')).toMatch(/^Account Owner: /);
    // One rotation covers the whole week: its bar spans the timeline.
    const [bar, track] = await Promise.all([week.getByRole('listitem').first().boundingBox(), week.boundingBox()]);
    expect((bar?.width ?? 0) / (track?.width ?? 1)).toBeGreaterThan(0.95);
    await shot('oncall');
    await page.getByRole('link', { name: 'Escalation policies' }).click();
    await page
      .getByRole('cell', { name: /Account Owner \(after \d+ min\)/ })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Edit Payments (EP)' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit escalation policy' });
    await editor.getByLabel('Escalate after (minutes)').fill('15');
    await editor.getByRole('button', { name: 'Add level' }).click();
    await editor.getByLabel('Notify').nth(1).selectOption({ label: 'Rita Responder (user)' });
    // A level added then removed is not saved.
    await editor.getByRole('button', { name: 'Add level' }).click();
    await editor.getByRole('button', { name: 'Remove level' }).nth(2).click();
    await editor.getByLabel('Repeat the levels (times)').fill('2');
    await editor.getByRole('button', { name: 'Save' }).click();
    await flash().getByText('Escalation policy Payments (EP) saved').waitFor();
    await page.getByRole('cell', { name: 'Rita Responder (after 30 min)' }).waitFor();
    await shot('escalation-policies');
    const payments = (await serviceNamed('Payments')) as Service;
    const policy = await rest<{
      escalation_policy: {
        num_loops: number;
        escalation_rules: { escalation_delay_in_minutes: number; targets: { summary: string }[] }[];
      };
    }>('GET', `/escalation_policies/${payments.escalation_policy.id}`);
    expect(policy.body.escalation_policy.num_loops).toBe(2);
    expect(
      policy.body.escalation_policy.escalation_rules.map((r) => [
        r.escalation_delay_in_minutes,
        r.targets.map((t) => t.summary),
      ]),
    ).toEqual([
      [15, ['Account Owner']],
      [30, ['Rita Responder']],
    ]);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('cell', { name: 'rita@example.com' }).waitFor();
    await shot('users');
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByLabel('New team name').fill('Platform');
    await page.getByRole('button', { name: 'Create team' }).click();
    await flash().getByText('Team Platform created').waitFor();
    await page.getByRole('button', { name: 'Edit Platform' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit team' });
    await dialog.getByLabel('Description').fill('Runs the runtime');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'Runs the runtime' }).waitFor();
    await shot('teams');
    const teams = await rest<{ teams: { name: string; description: string }[] }>('GET', '/teams');
    expect(teams.body.teams).toEqual([expect.objectContaining({ name: 'Platform', description: 'Runs the runtime' })]);
    expect(pageErrors).toEqual([]);
  });
});

describe('the console, signed in as a responder', () => {
  it('hides what a responder may not do and shows the API refusing the rest', async () => {
    const users = await rest<{ users: { id: string; email: string }[] }>('GET', '/users');
    const rita = users.body.users.find((u) => u.email === 'rita@example.com') as { id: string };
    const created = await rest<{ api_token: { token: string } }>('POST', '/api_tokens', {
      api_token: { description: 'console test', user: { id: rita.id, type: 'user_reference' } },
    });
    expect(created.status).toBe(201);
    const token = created.body.api_token.token;
    // Every service learns tokens from catalog.changes.
    await waitFor(
      async () => (await restClient(klaxon.baseUrl, token, 'rita@example.com')('GET', '/incidents')).status === 200,
      { what: 'the token to reach the incidents API' },
    );

    const responderPage = await browser.context.newPage();
    await responderPage.goto(`${klaxon.baseUrl}/`);
    // sessionStorage is per tab: a new tab starts signed out. Signed in with the keyboard alone.
    await responderPage.getByLabel('API token').waitFor();
    await responderPage.keyboard.type(token);
    await responderPage.keyboard.press('Enter');
    await responderPage.getByRole('heading', { name: 'Incidents', exact: true }).waitFor();
    await responderPage.getByText('Rita Responder (limited_user)').waitFor();
    // Incident actions stay: responders acknowledge and resolve.
    await responderPage.getByRole('toolbar').getByRole('button', { name: 'Acknowledge' }).waitFor();

    await responderPage.getByRole('link', { name: 'Services' }).click();
    await responderPage.getByRole('heading', { name: 'Service Directory' }).waitFor();
    await responderPage.locator('tr[data-service="Payments"]').waitFor();
    expect(await responderPage.getByRole('button', { name: 'New Service' }).count()).toBe(0);
    await responderPage.screenshot({ path: path.join(artifactsDir, 'responder-services.png'), fullPage: true });

    await responderPage.locator('tr[data-service="Payments"]').getByRole('link').click();
    await responderPage.getByRole('heading', { name: 'Add an integration' }).waitFor({ state: 'detached' });
    await responderPage.getByRole('link', { name: 'Settings' }).click();
    await responderPage.getByLabel('Urgency').waitFor();
    expect(await responderPage.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await responderPage.getByRole('button', { name: 'Delete service' }).count()).toBe(0);

    // Typed by hand, the form opens; the API refuses and the console shows its message.
    const refusal = await restClient(klaxon.baseUrl, token, 'rita@example.com')('POST', '/services', {
      service: { type: 'service', name: 'Sneaky' },
    });
    expect(refusal.status).toBe(403);
    const message = (refusal.body as { error: { message: string } }).error.message;
    await responderPage.goto(`${klaxon.baseUrl}/#/services/new`);
    await responderPage.getByLabel('Name', { exact: true }).fill('Sneaky');
    await responderPage.getByRole('button', { name: 'Create service' }).click();
    await responderPage.getByRole('alert').filter({ hasText: message }).waitFor();
    expect(await serviceNamed('Sneaky')).toBeUndefined();
    await responderPage.close();
  });
});

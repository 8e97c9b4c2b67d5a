import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { uniqueSuffix, waitFor } from '@klaxon/testing';
import { type ClusterClient, clusterClient, readCluster, serviceWithKey, triggerEvent } from './cluster-client';

// The distributed topology end to end, through the gateway only (scripts/dev-cluster.sh up): the
// catalog made over REST, an event accepted by ingest, the incident opened by grouping, assigned by
// escalation, announced by notify's webhook, then acknowledged and resolved.
const poll = { timeoutMs: 60_000, intervalMs: 250 };

interface Incident {
  id: string;
  status: string;
  incident_key: string;
  assignments: { assignee: { id: string } }[];
}
interface WebhookEvent {
  event: { event_type: string; data: { id: string } };
}

describe('the dev cluster through its gateway', () => {
  let client: ClusterClient;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: WebhookEvent[] = [];

  beforeAll(async () => {
    client = clusterClient(readCluster());
    // notify's webhook deliveries land here (dev-cluster.sh lets webhooks reach loopback).
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        deliveries.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEvent);
        res.writeHead(204).end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pd`;
  });
  afterAll(async () => {
    receiver.close();
    await once(receiver, 'close');
  });

  const delivered = (incidentId: string, type: string) =>
    waitFor(() => deliveries.find((d) => d.event.event_type === type && d.event.data.id === incidentId), {
      ...poll,
      what: `webhook ${type} for ${incidentId}`,
    });
  const incident = async (id: string) => (await client.ok<{ incident: Incident }>('GET', `/incidents/${id}`)).incident;

  it('answers health and the REST API on one base URL', async () => {
    const health = await fetch(`${readCluster().url}/healthz`);
    expect(health.status).toBe(200);
    const unauthenticated = await fetch(`${readCluster().url}/services`, {
      headers: { accept: 'application/vnd.pagerduty+json;version=2' },
    });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: { code: expect.any(Number) } });
  });

  it('turns an event into an assigned incident, then acknowledges and resolves it', async () => {
    const suffix = uniqueSuffix();
    const { user } = await client.ok<{ user: { id: string } }>('POST', '/users', {
      user: { type: 'user', name: 'Dana Cluster', email: `dana-${suffix}@example.com`, role: 'user' },
    });
    const { escalation_policy: policy } = await client.ok<{ escalation_policy: { id: string } }>(
      'POST',
      '/escalation_policies',
      {
        escalation_policy: {
          type: 'escalation_policy',
          name: `Cluster ${suffix}`,
          escalation_rules: [{ escalation_delay_in_minutes: 30, targets: [{ id: user.id, type: 'user_reference' }] }],
        },
      },
    );
    const { serviceId, key } = await serviceWithKey(client, `Cluster checkout ${suffix}`, policy.id);
    const { webhook_subscription: subscription } = await client.ok<{ webhook_subscription: { id: string } }>(
      'POST',
      '/webhook_subscriptions',
      {
        webhook_subscription: {
          type: 'webhook_subscription',
          delivery_method: { type: 'http_delivery_method', url: receiverUrl },
          events: ['incident.triggered', 'incident.acknowledged', 'incident.resolved'],
          filter: { id: serviceId, type: 'service_reference' },
        },
      },
    );
    expect(subscription.id).toEqual(expect.any(String));
    // Escalation reads the policy from its own replica of the catalog; /oncalls (escalation's) shows
    // when it has arrived, so the incident below meets a policy escalation knows.
    await waitFor(
      async () => {
        const { oncalls } = await client.ok<{ oncalls: { user: { id: string } }[] }>(
          'GET',
          `/oncalls?escalation_policy_ids[]=${policy.id}`,
        );
        return oncalls.some((o) => o.user.id === user.id);
      },
      { ...poll, what: 'the policy in escalation' },
    );

    const accepted = await client.enqueue(triggerEvent(key, `cluster-${suffix}`));
    expect(accepted).toEqual({
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: `cluster-${suffix}` },
    });

    const opened = await waitFor(
      async () =>
        (await client.ok<{ incidents: Incident[] }>('GET', `/incidents?service_ids[]=${serviceId}`)).incidents[0],
      { ...poll, what: 'the incident' },
    );
    expect(opened).toMatchObject({ status: 'triggered', incident_key: `cluster-${suffix}` });
    await waitFor(async () => (await incident(opened.id)).assignments.some((a) => a.assignee.id === user.id), {
      ...poll,
      what: 'the assignment by escalation',
    });
    await delivered(opened.id, 'incident.triggered');

    const update = (status: string) =>
      client.api<{ incident: Incident }>('PUT', `/incidents/${opened.id}`, {
        incident: { type: 'incident', status },
      });
    const acknowledged = await update('acknowledged');
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.incident.status).toBe('acknowledged');
    await delivered(opened.id, 'incident.acknowledged');

    const resolved = await update('resolved');
    expect(resolved.status).toBe(200);
    expect((await incident(opened.id)).status).toBe('resolved');
    await delivered(opened.id, 'incident.resolved');

    const { log_entries: entries } = await client.ok<{ log_entries: { type: string }[] }>(
      'GET',
      `/incidents/${opened.id}/log_entries?is_overview=false`,
    );
    expect(entries.map((e) => e.type)).toEqual(
      expect.arrayContaining(['trigger_log_entry', 'assign_log_entry', 'acknowledge_log_entry', 'resolve_log_entry']),
    );
  });

  it("refuses a bad event with PagerDuty's error body", async () => {
    const { key } = await serviceWithKey(client, `Cluster refused ${uniqueSuffix()}`);
    const refused = await client.enqueue({ routing_key: key, event_action: 'trigger', payload: { summary: 'x' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';

// What `pnpm test:cluster` knows of the cluster: the gateway's base URL and the bootstrap token that
// `scripts/dev-cluster.sh up` wrote to its cluster.env. Every request goes through the gateway.

export interface Cluster {
  url: string;
  token: string;
  /** Folder of the processes' pid files (name.pid), for the replica kill. */
  pids: string;
}

export function readCluster(): Cluster {
  const dir = process.env.KLAXON_CLUSTER_DIR ?? path.resolve(__dirname, '..', '..', '.infra', 'cluster');
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'cluster.env'), 'utf8');
  } catch {
    throw new Error(`no cluster.env in ${dir}: run scripts/dev-cluster.sh up first`);
  }
  const env = Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const url = env.KLAXON_CLUSTER_URL;
  // Loopback only: the suite never sends traffic anywhere else.
  if (!url || !/^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?$/.test(url)) {
    throw new Error(`KLAXON_CLUSTER_URL must be a loopback URL, got ${url}`);
  }
  return {
    url,
    token: readFileSync(env.KLAXON_CLUSTER_TOKEN_FILE as string, 'utf8').trim(),
    pids: env.KLAXON_CLUSTER_PIDS as string,
  };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export function clusterClient(cluster: Cluster) {
  const request = async <T>(method: string, pathname: string, headers: Record<string, string>, payload?: object) => {
    const res = await fetch(`${cluster.url}${pathname}`, {
      method,
      headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  return {
    /** REST API v2 as the account owner (the bootstrap token). */
    api: <T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', pathname: string, payload?: object) =>
      request<T>(
        method,
        pathname,
        { authorization: `Token token=${cluster.token}`, accept: 'application/vnd.pagerduty+json;version=2' },
        payload,
      ),
    /** REST API v2, failing the test on anything but 2xx. */
    async ok<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT', pathname: string, payload?: object) {
      const reply = await this.api<T>(method, pathname, payload);
      if (reply.status >= 300) throw new Error(`${method} ${pathname}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    /** Events API v2, unauthenticated as PagerDuty's. */
    enqueue: (event: object) => request<{ status?: string; dedup_key?: string }>('POST', '/v2/enqueue', {}, event),
  };
}

export type ClusterClient = ReturnType<typeof clusterClient>;

/** A service with an Events API v2 integration, made through the REST API; returns its id and routing key. */
export async function serviceWithKey(client: ClusterClient, name: string, escalationPolicyId?: string) {
  const { service } = await client.ok<{ service: { id: string } }>('POST', '/services', {
    service: {
      type: 'service',
      name,
      ...(escalationPolicyId
        ? { escalation_policy: { id: escalationPolicyId, type: 'escalation_policy_reference' } }
        : {}),
    },
  });
  const { integration } = await client.ok<{ integration: { integration_key: string } }>(
    'POST',
    `/services/${service.id}/integrations`,
    { integration: { type: 'events_api_v2_inbound_integration', name: 'Alertmanager' } },
  );
  return { serviceId: service.id, key: integration.integration_key };
}

export const triggerEvent = (routingKey: string, dedupKey: string) => ({
  routing_key: routingKey,
  event_action: 'trigger',
  dedup_key: dedupKey,
  payload: { summary: `${dedupKey} is failing`, source: 'web-1', severity: 'critical' },
});

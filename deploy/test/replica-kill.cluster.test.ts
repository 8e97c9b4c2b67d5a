import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { uniqueSuffix, waitFor } from '@klaxon/testing';
import { type ClusterClient, clusterClient, readCluster, serviceWithKey, triggerEvent } from './cluster-client';

// Grouping runs as two replicas sharing events.accepted's partitions. One is killed with SIGKILL
// (no drain, no offset commit) while events stream in through the gateway; the other must take its
// partitions over, and every accepted event (202) must end as exactly one alert: none lost, none
// doubled. The killed replica is started again afterwards, so the cluster is whole for the next run.
const services = 12; // events.accepted is keyed by service: 12 services spread over both replicas
const eventsPerService = 25; // 300 events, far below PagerDuty's 120 per key and minute
const killAfter = 100; // answers received before the kill
const concurrency = 8;

interface Incident {
  incident_key: string;
  alert_counts: { all: number };
}

const root = path.resolve(__dirname, '..', '..');
const processAlive = (pid: number) => {
  try {
    // A zombie (killed, not yet reaped) is dead.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('a grouping replica killed mid-stream', () => {
  const cluster = readCluster();
  let client: ClusterClient;
  const pidFile = path.join(cluster.pids, 'grouping-2.pid');

  beforeAll(() => {
    client = clusterClient(cluster);
  });
  afterAll(() => {
    const restarted = spawnSync('bash', [path.join(root, 'scripts/dev-cluster.sh'), 'restart', 'grouping-2'], {
      stdio: 'inherit',
      timeout: 200_000,
    });
    if (restarted.status !== 0) throw new Error('grouping-2 did not start again');
  });

  /** Every incident of the services, all pages. */
  async function incidentsOf(serviceIds: string[]): Promise<Incident[]> {
    const filter = serviceIds.map((id) => `service_ids[]=${id}`).join('&');
    const all: Incident[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await client.ok<{ incidents: Incident[]; more: boolean }>(
        'GET',
        `/incidents?${filter}&statuses[]=triggered&limit=100&offset=${offset}`,
      );
      all.push(...page.incidents);
      if (!page.more) return all;
    }
  }

  it('loses and doubles no accepted event: the other replica takes its partitions', async () => {
    const suffix = uniqueSuffix();
    const targets: { serviceId: string; key: string }[] = [];
    for (let i = 0; i < services; i++) targets.push(await serviceWithKey(client, `Kill ${suffix} ${i}`));
    const victim = Number(readFileSync(pidFile, 'utf8'));
    expect(processAlive(victim)).toBe(true);

    const events = Array.from({ length: services * eventsPerService }, (_, i) => ({
      key: (targets[i % services] as { key: string }).key,
      dedupKey: `kill-${suffix}-${i}`,
    }));
    const accepted: string[] = [];
    const refused: Record<number, number> = {};
    let answered = 0;
    let next = 0;
    const sender = async () => {
      for (let i = next++; i < events.length; i = next++) {
        const { key, dedupKey } = events[i] as { key: string; dedupKey: string };
        const reply = await client.enqueue(triggerEvent(key, dedupKey));
        if (reply.status === 202) accepted.push(dedupKey);
        else refused[reply.status] = (refused[reply.status] ?? 0) + 1;
        // Mid-stream: the replica dies without draining or committing its offsets.
        if (++answered === killAfter) process.kill(victim, 'SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    expect(processAlive(victim)).toBe(false);
    // Ingest was not disturbed: every event was accepted.
    expect(refused).toEqual({});
    expect(accepted).toHaveLength(events.length);

    // The survivor gets the partitions once Kafka's session timeout ends the dead member (30 s). A
    // doubled event would be one it replayed from before the dead replica's last commit, so it shows
    // up no later than the last event of that partition: counting once everything is there suffices.
    const serviceIds = targets.map((t) => t.serviceId);
    const incidents = await waitFor(
      async () => {
        const found = await incidentsOf(serviceIds);
        return found.length >= accepted.length ? found : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, what: `${accepted.length} incidents` },
    );
    expect(processAlive(victim)).toBe(false);
    // One incident per accepted dedup key, each with one alert: nothing lost, nothing doubled.
    expect(incidents.map((i) => i.incident_key).sort()).toEqual([...accepted].sort());
    expect(incidents.reduce((sum, i) => sum + i.alert_counts.all, 0)).toBe(accepted.length);
  });
});

/**
 * The failure modes the benchmark generator draws incidents from. Each mode is a set of signals (what
 * different monitors say during that failure), each signal a few paraphrases of the same alert as
 * different tools word it. Modes deliberately share words ("latency", "error", "5xx") the way real
 * failures do, so unrelated outages on one service are not trivially separable.
 * Placeholders: {svc} service, {host} a host of the signal's role, {pct} {ms} {n} {id} {dec} numbers/ids.
 */

export type Role = 'web' | 'db' | 'cache' | 'worker' | 'broker';

export interface Signal {
  role: Role;
  component: string;
  class: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
  paraphrases: string[];
}

export interface FailureMode {
  name: string;
  /** Relative frequency. */
  weight: number;
  /** Alerts per incident, inclusive range; storms are per-host fan-out. */
  alerts: [number, number];
  signals: Signal[];
}

const s = (
  role: Role,
  component: string,
  cls: string,
  severity: Signal['severity'],
  ...paraphrases: string[]
): Signal => ({
  role,
  component,
  class: cls,
  severity,
  paraphrases,
});

export const FAILURE_MODES: FailureMode[] = [
  {
    name: 'db-overload',
    weight: 3,
    alerts: [3, 9],
    signals: [
      s(
        'db',
        'postgres',
        'cpu',
        'critical',
        'High CPU usage on {host}: {pct}%',
        'CPU utilization {pct}% on {host} exceeds threshold',
        '{host} CPU load critical ({pct}%)',
      ),
      s(
        'db',
        'postgres',
        'latency',
        'error',
        'Slow queries on {host}: p99 {ms}ms',
        'Query latency p99 {ms}ms on {host} above SLO',
        '{host}: database query latency high ({ms} ms)',
      ),
      s(
        'web',
        'api',
        'saturation',
        'error',
        'Connection pool exhausted for {svc} ({n} connections in use)',
        '{svc}: too many connections to database',
        'DB connection pool saturated on {host}',
      ),
      s(
        'web',
        'api',
        'errors',
        'critical',
        '{svc} 5xx error rate {pct}% above threshold',
        'Elevated HTTP 5xx errors on {svc} ({pct}%)',
        '{svc}: HTTP 500 responses at {pct}% of requests',
      ),
    ],
  },
  {
    name: 'disk-full',
    weight: 3,
    alerts: [2, 6],
    signals: [
      s(
        'db',
        'filesystem',
        'disk',
        'warning',
        'Disk usage {pct}% on {host} /var/lib/data',
        'Low disk space on {host}: {pct}% used',
        '{host} filesystem /var/lib/data is {pct}% full',
      ),
      s(
        'db',
        'filesystem',
        'disk',
        'error',
        'Write errors on {host}: no space left on device',
        '{host}: ENOSPC when writing to /var/lib/data',
      ),
      s(
        'worker',
        'logging',
        'backlog',
        'warning',
        'Log shipping backlog on {host} ({n} files)',
        'Log forwarder lagging on {host}: {n} files queued',
      ),
    ],
  },
  {
    name: 'memory-leak',
    weight: 3,
    alerts: [3, 8],
    signals: [
      s(
        'worker',
        'runtime',
        'memory',
        'warning',
        'Memory usage {pct}% on {host}',
        'High memory utilization on {host} ({pct}%)',
        '{host}: RSS memory above {n} MB',
      ),
      s(
        'worker',
        'kubernetes',
        'restart',
        'error',
        'OOMKilled: container {svc}-worker restarted on {host}',
        'Container {svc}-worker killed by OOM killer on {host}',
        'Pod {svc}-worker-{id} restarted (OOMKilled)',
      ),
      s(
        'worker',
        'queue',
        'backlog',
        'warning',
        'Job queue backlog for {svc}: {n} pending',
        '{svc} job queue depth {n} above threshold',
      ),
    ],
  },
  {
    name: 'host-down-storm',
    weight: 1,
    alerts: [12, 40],
    signals: [
      s(
        'web',
        'host',
        'availability',
        'critical',
        'Host {host} unreachable',
        'Ping check failed for {host}',
        '{host} is DOWN (no response to ICMP)',
      ),
      s(
        'web',
        'loadbalancer',
        'health',
        'error',
        'Health check failing on {host}:{n}',
        'Load balancer marked {host} unhealthy',
      ),
    ],
  },
  {
    name: 'cache-degraded',
    weight: 2,
    alerts: [2, 7],
    signals: [
      s(
        'cache',
        'redis',
        'eviction',
        'warning',
        'Redis {host} evicting keys: {n}/s',
        'High eviction rate on {host} ({n} keys/s)',
      ),
      s(
        'web',
        'api',
        'cache',
        'warning',
        'Cache hit ratio dropped to {pct}% on {svc}',
        '{svc} cache hit rate low ({pct}%)',
      ),
      s(
        'web',
        'api',
        'latency',
        'error',
        '{svc} p95 latency {ms}ms',
        'Response time degraded on {svc}: p95 {ms} ms',
        'High request latency on {svc} ({ms}ms p95)',
      ),
    ],
  },
  {
    name: 'deploy-regression',
    weight: 2,
    alerts: [2, 7],
    signals: [
      s(
        'web',
        'api',
        'errors',
        'error',
        'Error rate spike after deploy {id} on {svc}',
        '{svc}: exceptions increased {pct}% since release {id}',
      ),
      s(
        'web',
        'sentry',
        'exception',
        'error',
        'NullPointerException in {svc} OrderHandler ({n} events)',
        'New issue: TypeError in {svc} checkout flow ({n} occurrences)',
      ),
      s('web', 'apm', 'apdex', 'warning', 'Apdex below {dec} for {svc}', '{svc} Apdex score dropped to {dec}'),
    ],
  },
  {
    name: 'consumer-lag',
    weight: 2,
    alerts: [3, 8],
    signals: [
      s(
        'worker',
        'kafka',
        'lag',
        'warning',
        'Consumer lag {n} on topic {svc}.events partition {n}',
        'Kafka consumer group {svc}-consumer lagging ({n} messages)',
      ),
      s(
        'broker',
        'kafka',
        'replication',
        'error',
        'Broker {host} under-replicated partitions: {n}',
        'Under replicated partitions on {host} ({n})',
      ),
      s(
        'worker',
        'pipeline',
        'freshness',
        'warning',
        '{svc} event processing delayed by {n}s',
        'Stale data: {svc} pipeline {n} seconds behind',
      ),
    ],
  },
  {
    name: 'partner-dependency',
    weight: 2,
    alerts: [2, 6],
    signals: [
      s(
        'web',
        'dns',
        'resolution',
        'error',
        'DNS resolution failures for api.partner.com from {host}',
        'Cannot resolve api.partner.com ({n} failures)',
      ),
      s(
        'web',
        'http-client',
        'timeout',
        'error',
        'Upstream partner API timeout ({ms}ms) from {svc}',
        'Requests to partner API timing out on {svc}',
      ),
    ],
  },
  {
    name: 'cert-expiry',
    weight: 2,
    alerts: [1, 1],
    signals: [
      s(
        'web',
        'tls',
        'certificate',
        'warning',
        'SSL certificate for {svc}.example.com expires in {n} days',
        'TLS cert {svc}.example.com expiring soon ({n} days left)',
      ),
    ],
  },
  {
    name: 'backup-failed',
    weight: 2,
    alerts: [1, 2],
    signals: [
      s(
        'db',
        'backup',
        'job',
        'error',
        'Backup job {id} failed on {host}',
        'Nightly backup of {host} did not complete (job {id})',
      ),
      s(
        'db',
        'backup',
        'storage',
        'error',
        'Backup storage bucket {svc}-backups write denied',
        'Access denied writing to {svc}-backups bucket',
      ),
    ],
  },
];

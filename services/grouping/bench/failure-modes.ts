/**
 * The causes the benchmark generator draws incidents from. A cause happens to one THING of the
 * service (a database cluster, a queue, a domain, a partner API, a deployment, a host...): most of
 * its signals name that thing, as real monitors do ("connection refused to orders-pg:5432"), but
 * each signal comes from a different tool with its own wording, component and class, and some
 * signals name nothing specific ("checkout 5xx error rate 12%"): those are the ones only responders'
 * merges can teach. Causes deliberately share words ("latency", "error", "5xx", host names), so
 * concurrent unrelated causes on one service are not separable by a single field.
 *
 * Placeholders: {svc} service, {host} a host of the signal's role ({ehost}: the cause's own host),
 * {entity} the cause's thing, {pct} {ms} {n} {id} {dec} {dur} {ip} {pod} {ver} volatile values.
 */

export type Role = 'web' | 'db' | 'cache' | 'worker' | 'broker';
export type EntityKind = 'db' | 'cache' | 'topic' | 'domain' | 'vendor' | 'deploy' | 'host' | 'zone' | 'job';

export interface Signal {
  /** Whose host reports it (`source`); `service`: reported against the service, not a host. */
  role: Role | 'service';
  component: string;
  class: string;
  group: 'app' | 'data' | 'edge' | 'infra';
  severity: 'critical' | 'error' | 'warning' | 'info';
  /** Relative frequency within the cause. */
  weight: number;
  /** Every alert from another host of the role (an outage seen by every API host). */
  fanout?: boolean;
  paraphrases: string[];
}

export interface FailureMode {
  name: string;
  /** Relative frequency among episodes. */
  weight: number;
  entity: EntityKind;
  /** Role of the cause's own host ({ehost}), when it has one. */
  hostRole?: Role;
  /** Alerts per incident, inclusive range. */
  alerts: [number, number];
  signals: Signal[];
}

const s = (
  role: Signal['role'],
  component: string,
  cls: string,
  group: Signal['group'],
  severity: Signal['severity'],
  weight: number,
  paraphrases: string[],
  fanout = false,
): Signal => ({ role, component, class: cls, group, severity, weight, paraphrases, ...(fanout ? { fanout } : {}) });

/** Said by several causes alike: genuinely ambiguous when two of them are open. */
const HTTP_5XX = (weight: number) =>
  s('service', 'api', 'errors', 'app', 'critical', weight, [
    '{svc} 5xx error rate {pct}% above threshold',
    'Elevated HTTP 5xx errors on {svc} ({pct}%)',
  ]);
const LATENCY = (weight: number) =>
  s('service', 'apm', 'latency', 'app', 'error', weight, [
    '{svc} p99 latency {ms}ms above SLO',
    'APM: {svc} response time degraded (p99 {ms} ms)',
  ]);

export const FAILURE_MODES: FailureMode[] = [
  {
    name: 'db-failover',
    weight: 3,
    entity: 'db',
    hostRole: 'db',
    alerts: [6, 24],
    signals: [
      s('db', 'postgres', 'availability', 'data', 'critical', 2, [
        'PostgreSQL primary {entity} on {ehost} is down',
        'Patroni: leader lost for cluster {entity}, failover started',
        '{ehost}: postgres {entity} not accepting connections',
      ]),
      s('db', 'postgres', 'replication', 'data', 'error', 2, [
        'Replication lag {dur} on {entity} replica {host}',
        '{entity} replica {host} lagging behind primary by {n} bytes',
      ]),
      s(
        'web',
        'api',
        'connectivity',
        'app',
        'error',
        5,
        [
          '{host}: connection refused to {entity}:5432',
          'api pod {pod} cannot reach database {entity}: timeout after {ms}ms',
          'SQLSTATE 08006 connection failure to {entity} from {host}',
        ],
        true,
      ),
      HTTP_5XX(1),
    ],
  },
  {
    name: 'disk-full',
    weight: 3,
    entity: 'host',
    hostRole: 'db',
    alerts: [2, 7],
    signals: [
      s('db', 'filesystem', 'disk', 'infra', 'warning', 3, [
        'Disk usage {pct}% on {ehost} /var/lib/postgresql',
        'Low disk space on {ehost}: {pct}% used',
        '{ehost} filesystem /var/lib/postgresql is {pct}% full',
      ]),
      s('db', 'filesystem', 'disk', 'infra', 'error', 2, [
        'Write errors on {ehost}: no space left on device',
        '{ehost}: ENOSPC writing to /var/lib/postgresql/{n}',
      ]),
      s('db', 'postgres', 'wal', 'data', 'warning', 1, [
        'WAL archiving failing on {ehost}: {n} segments pending',
        'pg_wal growing on {ehost}, archive_command failed {n} times',
      ]),
    ],
  },
  {
    name: 'cert-expiry',
    weight: 2,
    entity: 'domain',
    alerts: [2, 8],
    signals: [
      s('service', 'blackbox', 'certificate', 'edge', 'warning', 2, [
        'TLS certificate for {entity} expires in {n} days',
        'SSL cert {entity} expiring ({dur} left)',
        'Blackbox probe https://{entity}/healthz: certificate expires soon',
      ]),
      s(
        'web',
        'tls',
        'handshake',
        'edge',
        'error',
        3,
        [
          '{host}: x509: certificate has expired or is not yet valid for {entity}',
          'TLS handshake failures to {entity} from {host} ({n} in {dur})',
        ],
        true,
      ),
      HTTP_5XX(0.5),
    ],
  },
  {
    name: 'memory-leak',
    weight: 3,
    entity: 'deploy',
    alerts: [3, 12],
    signals: [
      s(
        'web',
        'kubernetes',
        'oom',
        'app',
        'error',
        3,
        [
          'Container {entity} in pod {pod} OOMKilled (limit {n}Mi)',
          'Pod {pod} ({entity}) restarted {n} times: CrashLoopBackOff',
        ],
        true,
      ),
      s('web', 'node-exporter', 'memory', 'infra', 'warning', 2, [
        'Memory usage {pct}% on {host} ({entity} RSS growing)',
        '{host}: {entity} resident memory {n}MB, rising for {dur}',
      ]),
      s('service', 'apm', 'gc', 'app', 'warning', 1, [
        '{entity}: GC pause p99 {ms}ms',
        'Long GC pauses in {entity} ({dur})',
      ]),
    ],
  },
  {
    name: 'consumer-lag',
    weight: 3,
    entity: 'topic',
    alerts: [3, 14],
    signals: [
      s('broker', 'kafka', 'lag', 'data', 'warning', 3, [
        'Consumer lag {n} on topic {entity} partition {n}',
        'Kafka consumer group {svc}-workers lagging on {entity}: {n} messages',
      ]),
      s(
        'worker',
        'worker',
        'throughput',
        'app',
        'warning',
        3,
        [
          '{host}: job processing time {dur} for {entity} messages',
          'Worker {host} falling behind on {entity} ({n} msg/s)',
        ],
        true,
      ),
      s('broker', 'kafka', 'broker', 'data', 'error', 1, [
        'Under-replicated partitions on {host} for {entity}: {n}',
        '{host}: ISR shrink for {entity}-{n}',
      ]),
    ],
  },
  {
    name: 'host-down-storm',
    weight: 2,
    entity: 'zone',
    alerts: [10, 36],
    signals: [
      s(
        'web',
        'nagios',
        'host',
        'infra',
        'critical',
        4,
        [
          'Host {host} unreachable',
          '{host} is DOWN: PING CRITICAL - Packet loss = 100%',
          'Node {host} NotReady in {entity}',
        ],
        true,
      ),
      s('service', 'cloud', 'zone', 'infra', 'critical', 1, [
        'AWS health: EC2 instance impairment in {entity}',
        'Load balancer {svc}-lb: {n} unhealthy targets in {entity}',
      ]),
    ],
  },
  {
    name: 'cache-degraded',
    weight: 2,
    entity: 'cache',
    hostRole: 'cache',
    alerts: [3, 10],
    signals: [
      s('cache', 'redis', 'eviction', 'data', 'warning', 2, [
        'Redis {entity} evicting keys: {n}/s on {ehost}',
        '{entity} memory {pct}% of maxmemory on {ehost}',
      ]),
      s(
        'web',
        'api',
        'cache',
        'app',
        'warning',
        3,
        [
          '{host}: cache miss ratio {pct}% on {entity}',
          'READONLY You cannot write against a read only replica ({entity}) from {host}',
        ],
        true,
      ),
      LATENCY(1),
    ],
  },
  {
    name: 'deploy-regression',
    weight: 2,
    entity: 'deploy',
    alerts: [2, 9],
    signals: [
      s('service', 'sentry', 'exception', 'app', 'error', 3, [
        "Sentry: TypeError: Cannot read properties of undefined (reading 'id') in {entity} ({n} events)",
        'New issue in {entity} release {ver}: NullPointerException at OrderMapper.java:{n}',
      ]),
      s('service', 'argo', 'deploy', 'app', 'warning', 1, [
        'Canary {entity} {ver} failing health checks',
        'Rollout of {entity} to {ver} degraded: {n} of {n} pods unavailable',
      ]),
      HTTP_5XX(1.5),
    ],
  },
  {
    name: 'partner-dependency',
    weight: 2,
    entity: 'vendor',
    alerts: [3, 10],
    signals: [
      s(
        'web',
        'http-client',
        'upstream',
        'app',
        'error',
        3,
        [
          '{host}: timeouts calling {entity} API after {ms}ms',
          'Upstream {entity} returning 503 ({pct}% of calls) from {host}',
        ],
        true,
      ),
      s('service', 'resilience', 'breaker', 'app', 'warning', 1, [
        'Circuit breaker open for {entity}',
        'Resilience4j: {entity} circuit OPEN after {n} failures',
      ]),
      LATENCY(1),
    ],
  },
  {
    name: 'cpu-saturation',
    weight: 2,
    entity: 'host',
    hostRole: 'worker',
    alerts: [2, 6],
    signals: [
      s('worker', 'node-exporter', 'cpu', 'infra', 'warning', 3, [
        'High CPU usage on {ehost}: {pct}%',
        'CPU utilization {pct}% on {ehost} exceeds threshold',
        '{ehost} load average {dec} (steal {pct}%)',
      ]),
      s('worker', 'node-exporter', 'cpu', 'infra', 'warning', 1, [
        'CPU throttling on {ehost}: {pct}% of periods throttled',
      ]),
    ],
  },
  {
    name: 'backup-failed',
    weight: 2,
    entity: 'job',
    alerts: [1, 2],
    signals: [
      s('db', 'cron', 'backup', 'data', 'warning', 1, [
        'Backup job {entity} run {id} failed on {host}',
        'pgBackRest {entity} exited with code {n} on {host}',
      ]),
    ],
  },
];

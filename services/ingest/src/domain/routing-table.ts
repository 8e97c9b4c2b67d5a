/**
 * Ingest's in-memory routing table: integration key -> integration, service and the service's
 * status, rebuilt from catalog.changes. Pure: no I/O, time passed in.
 */

export type RouteStatus = 'active' | 'disabled' | 'maintenance';

export interface Route {
  integrationId: string;
  integrationType: string;
  serviceId: string;
  status: RouteStatus;
}

export interface CatalogEntityChange {
  entityType: string;
  entityId: string;
  version: bigint;
  deleted: boolean;
  /** The parsed snapshot (null for a tombstone). */
  snapshot: Record<string, unknown> | null;
}

interface IntegrationEntry {
  key: string;
  type: string;
  serviceId: string;
}

interface WindowEntry {
  serviceIds: string[];
  startMs: number;
  endMs: number;
}

export interface RoutingTable {
  /** Applies a change; older versions than the one held are ignored. */
  apply(change: CatalogEntityChange): void;
  lookup(integrationKey: string, now: Date): Route | undefined;
  readonly size: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const refId = (v: unknown): string => (v && typeof v === 'object' ? str((v as { id?: unknown }).id) : '');

export function createRoutingTable(): RoutingTable {
  const versions = new Map<string, bigint>();
  const integrations = new Map<string, IntegrationEntry>();
  const integrationIdByKey = new Map<string, string>();
  const disabledServices = new Set<string>();
  const windows = new Map<string, WindowEntry>();

  function removeIntegration(id: string): void {
    const old = integrations.get(id);
    if (old && integrationIdByKey.get(old.key) === id) integrationIdByKey.delete(old.key);
    integrations.delete(id);
  }

  function inMaintenance(serviceId: string, nowMs: number): boolean {
    for (const w of windows.values()) {
      if (w.startMs <= nowMs && nowMs < w.endMs && w.serviceIds.includes(serviceId)) return true;
    }
    return false;
  }

  return {
    apply(change) {
      const versionKey = `${change.entityType}/${change.entityId}`;
      const held = versions.get(versionKey);
      if (held !== undefined && held >= change.version) return;
      versions.set(versionKey, change.version);
      const s = change.deleted ? null : change.snapshot;
      switch (change.entityType) {
        case 'integration': {
          // Removing first makes a regenerated key stop working at once.
          removeIntegration(change.entityId);
          const key = str(s?.integration_key);
          if (s && key) {
            integrations.set(change.entityId, { key, type: str(s.type), serviceId: refId(s.service) });
            integrationIdByKey.set(key, change.entityId);
          }
          break;
        }
        case 'service':
          if (s && s.status === 'disabled') disabledServices.add(change.entityId);
          else disabledServices.delete(change.entityId);
          break;
        case 'maintenance_window':
          windows.delete(change.entityId);
          if (s) {
            const services = Array.isArray(s.services) ? s.services.map(refId).filter(Boolean) : [];
            windows.set(change.entityId, {
              serviceIds: services,
              startMs: Date.parse(str(s.start_time)),
              endMs: Date.parse(str(s.end_time)),
            });
          }
          break;
        default:
          break;
      }
    },
    lookup(integrationKey, now) {
      const id = integrationIdByKey.get(integrationKey);
      const entry = id === undefined ? undefined : integrations.get(id);
      if (!id || !entry) return undefined;
      const status: RouteStatus = disabledServices.has(entry.serviceId)
        ? 'disabled'
        : inMaintenance(entry.serviceId, now.getTime())
          ? 'maintenance'
          : 'active';
      return { integrationId: id, integrationType: entry.type, serviceId: entry.serviceId, status };
    },
    get size() {
      return integrationIdByKey.size;
    },
  };
}

/** PagerDuty's service `status` values. */
export type ServiceStatus = 'active' | 'warning' | 'critical' | 'maintenance' | 'disabled';

/**
 * A service's status as PagerDuty shows it: `disabled` as set; `maintenance` while a maintenance
 * window is ongoing; `critical` with a triggered incident; `warning` with acknowledged incidents only;
 * else `active`. Only active and disabled are stored: the rest depends on time and on incidents.
 */
export function serviceStatus(
  stored: string,
  activity: { triggered: boolean; acknowledged: boolean; inMaintenance: boolean } | undefined,
): ServiceStatus {
  if (stored === 'disabled') return 'disabled';
  if (activity?.inMaintenance) return 'maintenance';
  if (activity?.triggered) return 'critical';
  if (activity?.acknowledged) return 'warning';
  return 'active';
}

import type { FastifyInstance } from 'fastify';
import type { GroupingContext } from '../incidents/context';
import { alertRoutes } from './alerts.routes';
import { changeEventRoutes } from './change-events.routes';
import { incidentActionRoutes } from './incident-actions.routes';
import { incidentsRoutes } from './incidents.routes';
import { logEntryRoutes } from './log-entries.routes';
import { priorityRoutes } from './priorities.routes';
import { responderRequestRoutes } from './responder-requests.routes';
import { statusUpdateRoutes } from './status-updates.routes';

/**
 * Every REST route grouping serves: /incidents, their alerts, notes, status updates, log entries and
 * responder requests, /log_entries, change events (/change_events, /services/{id}/change_events,
 * /incidents/{id}/related_change_events) and the priorities incidents may be given (/priorities).
 */
export function incidentRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  incidentsRoutes(app, ctx);
  incidentActionRoutes(app, ctx);
  alertRoutes(app, ctx);
  logEntryRoutes(app, ctx);
  responderRequestRoutes(app, ctx);
  changeEventRoutes(app, ctx);
  priorityRoutes(app, ctx);
  statusUpdateRoutes(app, ctx);
}

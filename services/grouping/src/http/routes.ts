import type { FastifyInstance } from 'fastify';
import type { GroupingContext } from '../incidents/context';
import { alertRoutes } from './alerts.routes';
import { incidentActionRoutes } from './incident-actions.routes';
import { incidentsRoutes } from './incidents.routes';
import { logEntryRoutes } from './log-entries.routes';

/** Every REST route grouping serves: /incidents, their alerts, notes and log entries, /log_entries. */
export function incidentRoutes(app: FastifyInstance, ctx: GroupingContext): void {
  incidentsRoutes(app, ctx);
  incidentActionRoutes(app, ctx);
  alertRoutes(app, ctx);
  logEntryRoutes(app, ctx);
}

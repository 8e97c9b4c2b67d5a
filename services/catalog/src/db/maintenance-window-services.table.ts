import { index, primaryKey, text } from 'drizzle-orm/pg-core';
import { maintenanceWindows } from './maintenance-windows.table';
import { catalogSchema } from './schema';
import { services } from './services.table';

export const maintenanceWindowServices = catalogSchema.table(
  'maintenance_window_services',
  {
    windowId: text('window_id')
      .notNull()
      .references(() => maintenanceWindows.id, { onDelete: 'cascade' }),
    serviceId: text('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.windowId, t.serviceId] }), index('mw_services_service_idx').on(t.serviceId)],
);

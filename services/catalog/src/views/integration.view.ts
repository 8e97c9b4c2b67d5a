import type { Urls } from '@klaxon/rest';
import type { IntegrationRow } from '../db';
import { findVendor } from '../domain/vendors';
import { vendorView } from './vendor.view';

const paths = (urls: Urls, row: Pick<IntegrationRow, 'id' | 'serviceId'>) => ({
  self: `${urls.self('service', row.serviceId)}/integrations/${row.id}`,
  html_url: `${urls.html('service', row.serviceId)}/integrations/${row.id}`,
});

export function integrationRef(urls: Urls, row: IntegrationRow) {
  return { id: row.id, type: `${row.type}_reference`, summary: row.name, ...paths(urls, row) };
}

/**
 * An integration as REST API v2 renders it (and as catalog.changes carries it: ingest routes
 * events by `integration_key`, `type` and `service.id`).
 */
export function integrationView(
  urls: Urls,
  row: IntegrationRow,
  service: { id: string; name: string },
  include: ReadonlySet<string> = new Set(),
) {
  const vendor = row.vendorId ? findVendor(row.vendorId) : undefined;
  const email = row.type === 'generic_email_inbound_integration';
  return {
    id: row.id,
    type: row.type,
    summary: row.name,
    ...paths(urls, row),
    name: row.name,
    service: urls.ref('service', service.id, service.name),
    created_at: row.createdAt.toISOString(),
    // A generic integration has no `vendor` (the spec types it as a reference, never null).
    ...(vendor
      ? { vendor: include.has('vendors') ? vendorView(urls, vendor) : urls.ref('vendor', vendor.id, vendor.name) }
      : {}),
    integration_key: row.integrationKey,
    ...(email ? { integration_email: row.integrationEmail, ...row.emailSettings } : {}),
  };
}

import { pageOf, parsePage } from '@klaxon/rest';
import type { FastifyInstance } from 'fastify';
import type { CatalogContext } from '../context';
import { notFound } from '../domain/checks';
import { findVendor, vendors } from '../domain/vendors';
import { vendorView } from '../views/vendor.view';
import { listVendorsSchema, showVendorSchema } from './vendors.schemas';

export function vendorRoutes(app: FastifyInstance, ctx: CatalogContext): void {
  app.get('/vendors', { schema: listVendorsSchema }, async (request) => {
    const query = request.query as { limit?: number; offset?: number; total?: string; query?: string };
    const needle = query.query?.toLowerCase();
    const matching = needle ? vendors.filter((v) => v.name.toLowerCase().includes(needle)) : vendors;
    return pageOf(
      'vendors',
      parsePage(query),
      matching.map((v) => vendorView(ctx.urls, v)),
    );
  });

  app.get('/vendors/:id', { schema: showVendorSchema }, async (request) => {
    const vendor = findVendor((request.params as { id: string }).id);
    if (!vendor) throw notFound('Vendor');
    return { vendor: vendorView(ctx.urls, vendor) };
  });
}

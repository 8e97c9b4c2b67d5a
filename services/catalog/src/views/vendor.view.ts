import type { Urls } from '@klaxon/rest';
import type { Vendor } from '../domain/vendors';

export function vendorView(urls: Urls, vendor: Vendor) {
  return {
    id: vendor.id,
    type: 'vendor',
    summary: vendor.name,
    self: urls.self('vendor', vendor.id),
    html_url: null,
    name: vendor.name,
    website_url: vendor.website_url,
    description: vendor.description,
    generic_service_type: vendor.generic_service_type,
    integration_guide_url: vendor.website_url,
  };
}

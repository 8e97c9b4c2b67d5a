import { listBody, nullableText, objectBody, text, wrappedBody } from '@klaxon/rest';
import { idParams, listQuery, queryText } from './common.schemas';

/** A vendor as rendered (views/vendor.view.ts). */
export const vendorBody = objectBody('vendor', {
  name: text,
  website_url: nullableText,
  description: nullableText,
  generic_service_type: nullableText,
  integration_guide_url: nullableText,
});

export const listVendorsSchema = {
  tags: ['Vendors'],
  summary: 'List vendors',
  querystring: listQuery([], { query: queryText }),
  response: { 200: listBody('vendors', vendorBody) },
};

export const showVendorSchema = {
  tags: ['Vendors'],
  summary: 'Get a vendor',
  params: idParams,
  response: { 200: wrappedBody('vendor', vendorBody) },
};

import type { SwaggerOptions } from '@fastify/swagger';

/**
 * Klaxon's own OpenAPI document, generated from the route schemas and served at /openapi.json.
 * Operations tagged `Klaxon` are additions PagerDuty does not have.
 */
export function openApiOptions(publicUrl: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Klaxon REST API (PagerDuty REST API v2 compatible)',
        version: '2',
        description:
          'Catalog resources of the PagerDuty REST API v2: services, integrations, vendors, escalation policies, schedules, users, teams and maintenance windows. Authenticate with `Authorization: Token token=<api key>`.',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: { api_key: { type: 'apiKey', in: 'header', name: 'Authorization' } },
      },
      security: [{ api_key: [] }],
    },
  };
}

import type { Route, RoutingTable } from './routing-table';

export type EventsApi = 'v1' | 'v2';

/** Integration types whose keys an Events API accepts; vendor integrations take either. */
const REFUSED: Record<EventsApi, ReadonlySet<string>> = {
  v2: new Set(['generic_events_api_inbound_integration', 'generic_email_inbound_integration']),
  v1: new Set(['events_api_v2_inbound_integration', 'generic_email_inbound_integration']),
};

export interface RouteResolver {
  /** The route for a key, or undefined for an unknown key or one of the wrong type. */
  resolve(key: string, api: EventsApi): Route | undefined | Promise<Route | undefined>;
}

/**
 * Looks keys up in the routing table. A key it does not know is checked once more after the table
 * has caught up with catalog.changes, so an integration created a moment ago works; concurrent misses
 * share one catch-up. Known keys answer synchronously: the hot path never waits.
 */
export function createRouteResolver(options: {
  table: Pick<RoutingTable, 'lookup'>;
  now: () => Date;
  catchUp: () => Promise<void>;
}): RouteResolver {
  let pending: Promise<void> | undefined;
  const accept = (route: Route | undefined, api: EventsApi) =>
    route && !REFUSED[api].has(route.integrationType) ? route : undefined;

  return {
    resolve(key, api) {
      const route = options.table.lookup(key, options.now());
      if (route) return accept(route, api);
      pending ??= options.catchUp().finally(() => {
        pending = undefined;
      });
      return pending.then(
        () => accept(options.table.lookup(key, options.now()), api),
        () => undefined,
      );
    },
  };
}

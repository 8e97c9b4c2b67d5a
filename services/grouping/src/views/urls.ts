import { type Reference, restUrls, type Urls } from '@klaxon/rest';

/** URL rendering for grouping's objects; adds the types the shared table does not know (log entries, alerts). */
export interface GroupingUrls extends Urls {
  logEntryRef(id: string, type: string, summary: string): Reference;
  alertSelf(incidentId: string, alertId: string): string;
  changeEventSelf(id: string): string;
}

export function groupingUrls(publicUrl: string): GroupingUrls {
  const base = publicUrl.replace(/\/+$/, '');
  const urls = restUrls(base);
  return {
    ...urls,
    logEntryRef: (id, type, summary) => ({
      id,
      type: `${type}_log_entry_reference`,
      summary,
      self: `${base}/log_entries/${id}`,
      html_url: null,
    }),
    alertSelf: (incidentId, alertId) => `${base}/incidents/${incidentId}/alerts/${alertId}`,
    changeEventSelf: (id) => `${base}/change_events/${id}`,
  };
}

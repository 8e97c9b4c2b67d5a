/** Where each object type lives: its REST path and its web-app path (for `self` and `html_url`). */
const locations: Record<string, { api: string; web: string }> = {
  service: { api: 'services', web: 'service-directory' },
  escalation_policy: { api: 'escalation_policies', web: 'escalation_policies' },
  schedule: { api: 'schedules', web: 'schedules' },
  user: { api: 'users', web: 'users' },
  team: { api: 'teams', web: 'teams' },
  maintenance_window: { api: 'maintenance_windows', web: 'maintenance_windows' },
  vendor: { api: 'vendors', web: 'vendors' },
  incident: { api: 'incidents', web: 'incidents' },
  priority: { api: 'priorities', web: 'account/incident_priorities' },
  tag: { api: 'tags', web: 'tags' },
};

export interface Reference {
  id: string;
  type: string;
  summary: string;
  self: string | null;
  html_url: string | null;
}

export interface Urls {
  /** The API URL of an object: `{base}/{path}`. */
  self(type: string, id: string): string;
  html(type: string, id: string): string;
  /** `{id, type: '<type>_reference', summary, self, html_url}`. */
  ref(type: string, id: string, summary: string): Reference;
}

/** URL and reference rendering against the public base URL clients use. */
export function restUrls(publicUrl: string): Urls {
  const base = publicUrl.replace(/\/+$/, '');
  const where = (type: string) => locations[type] ?? { api: `${type}s`, web: `${type}s` };
  const urls: Urls = {
    self: (type, id) => `${base}/${where(type).api}/${id}`,
    html: (type, id) => `${base}/${where(type).web}/${id}`,
    ref: (type, id, summary) => ({
      id,
      type: `${type}_reference`,
      summary,
      self: urls.self(type, id),
      html_url: urls.html(type, id),
    }),
  };
  return urls;
}

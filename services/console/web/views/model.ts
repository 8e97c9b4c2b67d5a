/** The fields of PagerDuty's REST objects the console reads. */
export interface Ref {
  id: string;
  summary?: string;
  type?: string;
}

export interface Service {
  id: string;
  name: string;
  description: string | null;
  status: string;
  teams?: Ref[];
  escalation_policy: Ref;
  integrations?: Ref[];
  acknowledgement_timeout: number | null;
  auto_resolve_timeout: number | null;
  incident_urgency_rule?: { type: string; urgency?: string };
  alert_grouping_parameters?: { type: string | null; config?: Record<string, unknown> | null } | null;
  auto_pause_notifications_parameters?: { enabled?: boolean; timeout?: number | null };
}

export interface Integration {
  id: string;
  type: string;
  name: string;
  summary?: string;
  integration_key?: string;
  integration_email?: string;
  vendor?: Ref | null;
}

export interface Vendor {
  id: string;
  name: string;
  integration_type?: string;
}

export interface Incident {
  id: string;
  incident_number: number;
  title: string;
  status: string;
  urgency: string;
  created_at: string;
  service: Ref;
  assignments: { assignee: Ref }[];
  escalation_policy?: Ref;
  body?: { details?: unknown };
}

export interface User {
  id: string;
  name: string;
  email: string;
  role: string;
}

import type { Urls } from '@klaxon/rest';
import type { ContactMethodRow, HandoffRuleRow, NotificationRuleRow, TeamRow, UserRow } from '../db';
import { teamView } from './team.view';

export interface UserRecord {
  user: UserRow;
  teams: TeamRow[];
  contactMethods: ContactMethodRow[];
  notificationRules: NotificationRuleRow[];
}

export const contactMethodSummary = (cm: ContactMethodRow): string => cm.label;

/** A contact method as REST API v2 renders it (and as catalog.changes carries it). */
export function contactMethodView(urls: Urls, cm: ContactMethodRow) {
  const self = `${urls.self('user', cm.userId)}/contact_methods/${cm.id}`;
  return {
    id: cm.id,
    type: cm.type,
    summary: contactMethodSummary(cm),
    self,
    html_url: null,
    label: cm.label,
    address: cm.address,
    user: { id: cm.userId, type: 'user_reference' },
    ...(cm.type === 'phone_contact_method' || cm.type === 'sms_contact_method'
      ? { country_code: cm.countryCode ?? 1, blacklisted: false }
      : {}),
    ...(cm.type === 'email_contact_method' ? { send_short_email: cm.sendShortEmail } : {}),
  };
}

export function contactMethodRef(urls: Urls, cm: ContactMethodRow) {
  const view = contactMethodView(urls, cm);
  return { id: cm.id, type: `${cm.type}_reference`, summary: view.summary, self: view.self, html_url: null };
}

/** A notification rule; `contact_method` is a reference unless the full method is given. */
export function notificationRuleView(urls: Urls, rule: NotificationRuleRow, methods: readonly ContactMethodRow[]) {
  const method = methods.find((m) => m.id === rule.contactMethodId);
  return {
    id: rule.id,
    type: 'assignment_notification_rule',
    summary: `${rule.startDelayInMinutes} minutes: channel ${rule.contactMethodId}`,
    self: `${urls.self('user', rule.userId)}/notification_rules/${rule.id}`,
    html_url: null,
    start_delay_in_minutes: rule.startDelayInMinutes,
    urgency: rule.urgency,
    contact_method: method
      ? contactMethodRef(urls, method)
      : { id: rule.contactMethodId, type: 'contact_method_reference' },
  };
}

/** A user as REST API v2 renders it (and as catalog.changes carries it). */
export function userView(urls: Urls, record: UserRecord, include: ReadonlySet<string> = new Set()) {
  const { user } = record;
  return {
    id: user.id,
    type: 'user',
    summary: user.name,
    self: urls.self('user', user.id),
    html_url: urls.html('user', user.id),
    name: user.name,
    email: user.email,
    time_zone: user.timeZone,
    color: user.color ?? 'purple',
    role: user.role,
    description: user.description,
    job_title: user.jobTitle ?? '',
    invitation_sent: false,
    created_via_sso: false,
    teams: record.teams.map((t) => (include.has('teams') ? teamView(urls, t) : urls.ref('team', t.id, t.name))),
    contact_methods: record.contactMethods.map((cm) =>
      include.has('contact_methods') ? contactMethodView(urls, cm) : contactMethodRef(urls, cm),
    ),
    notification_rules: record.notificationRules.map((r) =>
      include.has('notification_rules')
        ? notificationRuleView(urls, r, record.contactMethods)
        : {
            id: r.id,
            type: 'assignment_notification_rule_reference',
            summary: `${r.startDelayInMinutes} minutes`,
            self: `${urls.self('user', r.userId)}/notification_rules/${r.id}`,
            html_url: null,
          },
    ),
  };
}

/** An on-call handoff notification rule as REST API v2 renders it (PagerDuty's HandoffNotificationRule). */
export function handoffRuleView(urls: Urls, rule: HandoffRuleRow, methods: readonly ContactMethodRow[]) {
  const method = methods.find((m) => m.id === rule.contactMethodId);
  return {
    id: rule.id,
    handoff_type: rule.handoffType,
    notify_advance_in_minutes: rule.notifyAdvanceInMinutes,
    contact_method: method
      ? contactMethodRef(urls, method)
      : { id: rule.contactMethodId, type: 'contact_method_reference' },
  };
}

/** What catalog.changes carries of a handoff rule: its view and whose it is. */
export const handoffRuleSnapshot = (urls: Urls, rule: HandoffRuleRow, methods: readonly ContactMethodRow[]) => ({
  ...handoffRuleView(urls, rule, methods),
  user: { id: rule.userId, type: 'user_reference' },
});

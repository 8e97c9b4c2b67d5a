import type { IncidentSummary } from '../channels/channel';

/** Escapes text for HTML and XML (emails, TwiML). */
export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** `#12 Database down` */
const label = (i: IncidentSummary) => `#${i.number} ${i.title}`;

/** The services of a bundle, named once each, in order of first appearance. */
const servicesOf = (incidents: readonly IncidentSummary[]) =>
  [...new Set(incidents.map((i) => i.serviceName))].join(', ');

/**
 * The short text of an SMS: one incident, or the first and "N more incidents triggered on ..." for
 * the incidents a storm window held back.
 */
export function smsText(incidents: readonly IncidentSummary[]): string {
  const [first, ...rest] = incidents;
  if (!first) return '';

  if (rest.length === 0) {
    const ack = first.respondUrls
      ? ` Accept: ${first.respondUrls.accept}`
      : first.acknowledgeUrl
        ? ` Ack: ${first.acknowledgeUrl}`
        : '';
    return `Klaxon ${first.urgency}-urgency incident ${label(first)} on ${first.serviceName}. ${first.detailsUrl}${ack}`;
  }
  // Only the incidents a storm window held back are bundled: the user was paged about another one.
  return `Klaxon: ${incidents.length} more incidents triggered on ${servicesOf(incidents)}: ${incidents.map(label).join('; ')}`;
}

/** What a voice call says (TwiML), read twice. */
export function voiceTwiml(incidents: readonly IncidentSummary[]): string {
  const [first, ...rest] = incidents;
  if (!first) return '<Response/>';
  const text =
    rest.length === 0
      ? `This is Klaxon. ${first.urgency} urgency incident number ${first.number} on ${first.serviceName}: ${first.title}.`
      : `This is Klaxon. ${incidents.length} more incidents triggered on ${servicesOf(incidents)}, the first: number ${first.number}, ${first.title}.`;
  return `<Response><Say loop="2">${esc(text)}</Say></Response>`;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** An email about one incident: title, service, urgency, the details link and the action links. */
export function emailContent(i: IncidentSummary): EmailContent {
  const subject = `[Klaxon] ${i.urgency === 'high' ? 'High' : 'Low'}-urgency incident ${label(i)} on ${i.serviceName}`;
  const text = [
    `Incident #${i.number}: ${i.title}`,
    `Service: ${i.serviceName}`,
    `Urgency: ${i.urgency}`,
    `Status: ${i.status}`,
    '',
    `Details: ${i.detailsUrl}`,
    ...(i.respondUrls ? [`Accept: ${i.respondUrls.accept}`, `Decline: ${i.respondUrls.decline}`] : []),
    ...(i.acknowledgeUrl ? [`Acknowledge: ${i.acknowledgeUrl}`, `Resolve: ${i.resolveUrl}`] : []),
  ].join('\n');
  const respond = i.respondUrls
    ? ` &middot; <a href="${esc(i.respondUrls.accept)}">Accept</a> &middot; <a href="${esc(i.respondUrls.decline)}">Decline</a>`
    : '';
  const actions = i.acknowledgeUrl
    ? ` &middot; <a href="${esc(i.acknowledgeUrl)}">Acknowledge</a> &middot; <a href="${esc(i.resolveUrl)}">Resolve</a>`
    : '';
  const html = `<!doctype html><html><body>
<h2>Incident #${i.number}: ${esc(i.title)}</h2>
<table>
<tr><th align="left">Service</th><td>${esc(i.serviceName)}</td></tr>
<tr><th align="left">Urgency</th><td>${esc(i.urgency)}</td></tr>
<tr><th align="left">Status</th><td>${esc(i.status)}</td></tr>
</table>
<p><a href="${esc(i.detailsUrl)}">View details</a>${respond}${actions}</p>
</body></html>`;
  return { subject, text, html };
}

/** The one-line text chat channels show for an incident change. */
export function chatText(i: IncidentSummary, change: string): string {
  return `[${change}] ${label(i)} on ${i.serviceName} (${i.urgency} urgency)`;
}

import type { HandoffFacts } from '../db';
import { type EmailContent, esc } from './messages';

/** "Mon, Mar 15, 09:00 EDT": an instant in the schedule's zone, as people read a rota. */
function when(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** "You are on call for Primary from ... until ...", or "You are off call for Primary from ...". */
export function handoffSentence(h: HandoffFacts): string {
  return h.kind === 'oncall'
    ? `You are on call for ${h.scheduleName} from ${when(h.shiftStart, h.timeZone)} until ${when(h.shiftEnd, h.timeZone)}.`
    : `You are off call for ${h.scheduleName} from ${when(h.shiftEnd, h.timeZone)}.`;
}

/** The SMS of a handoff (PagerDuty's on-call handoff notification). */
export const handoffSms = (h: HandoffFacts): string => `Klaxon: ${handoffSentence(h)}`;

/** What a call about a handoff says (TwiML), read twice. */
export const handoffTwiml = (h: HandoffFacts): string =>
  `<Response><Say loop="2">${esc(`This is Klaxon. ${handoffSentence(h)}`)}</Say></Response>`;

/** The email of a handoff: the schedule, on or off call, and the shift's times in the schedule's zone. */
export function handoffEmail(h: HandoffFacts): EmailContent {
  const sentence = handoffSentence(h);
  const subject = `[Klaxon] ${h.kind === 'oncall' ? 'You are going on call' : 'You are going off call'}: ${h.scheduleName}`;
  const text = [sentence, '', `Schedule: ${h.scheduleName} (${h.scheduleId})`, `Time zone: ${h.timeZone}`].join('\n');
  const html = `<!doctype html><html><body>
<h2>${esc(h.kind === 'oncall' ? 'On-call handoff: you are going on call' : 'On-call handoff: you are going off call')}</h2>
<p>${esc(sentence)}</p>
<table>
<tr><th align="left">Schedule</th><td>${esc(h.scheduleName)}</td></tr>
<tr><th align="left">Time zone</th><td>${esc(h.timeZone)}</td></tr>
</table>
</body></html>`;
  return { subject, text, html };
}

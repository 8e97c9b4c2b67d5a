import { type DedupDecision, type DedupEvent, decideDedup, type ExistingAlert } from '../src/domain/dedup';

const event = (over: Partial<DedupEvent> = {}): DedupEvent => ({
  action: 'trigger',
  dedupKey: 'disk/db-01',
  integrationId: 'PINT001',
  routingStatus: 'active',
  ...over,
});
const alert = (over: Partial<ExistingAlert> = {}): ExistingAlert => ({
  alertId: 'PALERT1',
  integrationId: 'PINT001',
  dedupKey: 'disk/db-01',
  status: 'triggered',
  ...over,
});

describe('dedup decision', () => {
  it.each<[string, Partial<DedupEvent>, ExistingAlert | undefined, DedupDecision]>([
    ['trigger without an open alert opens a new alert', {}, undefined, { kind: 'new-alert' }],
    ['trigger on an open alert updates it', {}, alert(), { kind: 'update-existing-alert', alertId: 'PALERT1' }],
    ['trigger after the alert resolved opens a new alert', {}, alert({ status: 'resolved' }), { kind: 'new-alert' }],
    [
      'acknowledge an open alert',
      { action: 'acknowledge' },
      alert(),
      { kind: 'acknowledge-alert', alertId: 'PALERT1' },
    ],
    ['resolve an open alert', { action: 'resolve' }, alert(), { kind: 'resolve-alert', alertId: 'PALERT1' }],
    [
      'acknowledge with no open alert is dropped',
      { action: 'acknowledge' },
      undefined,
      { kind: 'drop', reason: 'no-open-alert' },
    ],
    [
      'resolve with no open alert is dropped',
      { action: 'resolve' },
      undefined,
      { kind: 'drop', reason: 'no-open-alert' },
    ],
    [
      'resolve of a resolved alert is dropped',
      { action: 'resolve' },
      alert({ status: 'resolved' }),
      { kind: 'drop', reason: 'no-open-alert' },
    ],
    ['change events never create alerts', { action: 'change' }, undefined, { kind: 'drop', reason: 'change-event' }],
    ['change events never touch alerts', { action: 'change' }, alert(), { kind: 'drop', reason: 'change-event' }],
    [
      'the same key on another integration is another alert',
      { integrationId: 'PINT002' },
      alert(),
      { kind: 'new-alert' },
    ],
    [
      'resolve via another integration is dropped',
      { action: 'resolve', integrationId: 'PINT002' },
      alert(),
      { kind: 'drop', reason: 'no-open-alert' },
    ],
    ['keys are case-sensitive', { dedupKey: 'DISK/db-01' }, alert(), { kind: 'new-alert' }],
    [
      'a disabled service drops a trigger (PagerDuty drops events to a disabled service)',
      { routingStatus: 'disabled' },
      undefined,
      { kind: 'drop', reason: 'service-not-active' },
    ],
    ['maintenance suppresses a new alert', { routingStatus: 'maintenance' }, undefined, { kind: 'suppressed' }],
    [
      'maintenance: a repeat for an alert with an incident changes nothing',
      { routingStatus: 'maintenance' },
      alert(),
      { kind: 'drop', reason: 'service-not-active' },
    ],
    [
      'maintenance: a suppressed alert is stored resolved, so a repeat is another suppressed alert',
      { routingStatus: 'maintenance' },
      alert({ status: 'resolved' }),
      { kind: 'suppressed' },
    ],
    [
      'after maintenance the key of a suppressed (resolved) alert opens a new alert',
      {},
      alert({ status: 'resolved' }),
      { kind: 'new-alert' },
    ],
    [
      'disabled: open incidents cannot be resolved by events',
      { action: 'resolve', routingStatus: 'disabled' },
      alert(),
      { kind: 'drop', reason: 'service-not-active' },
    ],
    [
      'disabled: nor acknowledged',
      { action: 'acknowledge', routingStatus: 'disabled' },
      alert(),
      { kind: 'drop', reason: 'service-not-active' },
    ],
    [
      'disabled: a repeat for an open alert changes nothing',
      { routingStatus: 'disabled' },
      alert(),
      { kind: 'drop', reason: 'service-not-active' },
    ],
  ])('%s', (_name, over, existing, expected) => {
    expect(decideDedup(event(over), existing)).toEqual(expected);
  });
});

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
  suppressed: false,
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
    ['a disabled service suppresses a new alert', { routingStatus: 'disabled' }, undefined, { kind: 'suppressed' }],
    ['maintenance suppresses a new alert', { routingStatus: 'maintenance' }, undefined, { kind: 'suppressed' }],
    [
      'maintenance: a repeat for an alert with an incident changes nothing',
      { routingStatus: 'maintenance' },
      alert(),
      { kind: 'drop', reason: 'service-not-active' },
    ],
    [
      'maintenance: a repeat for a suppressed alert updates it',
      { routingStatus: 'maintenance' },
      alert({ suppressed: true }),
      { kind: 'update-existing-alert', alertId: 'PALERT1' },
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
      'a suppressed alert can be resolved',
      { action: 'resolve', routingStatus: 'maintenance' },
      alert({ suppressed: true }),
      { kind: 'resolve-alert', alertId: 'PALERT1' },
    ],
    [
      'a suppressed alert is not acknowledged',
      { action: 'acknowledge' },
      alert({ suppressed: true }),
      { kind: 'drop', reason: 'service-not-active' },
    ],
  ])('%s', (_name, over, existing, expected) => {
    expect(decideDedup(event(over), existing)).toEqual(expected);
  });
});

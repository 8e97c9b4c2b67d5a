import { serviceEventOf } from '../src/webhooks/service-changes';

// Which service.* event a catalog change is, given what the replica held before it.
describe('serviceEventOf', () => {
  it.each([
    ['a first snapshot', undefined, { version: 1n, deleted: false }, 'service.created'],
    ['a newer snapshot', { version: 1, deleted: false }, { version: 2n, deleted: false }, 'service.updated'],
    [
      'a tombstone of a known service',
      { version: 2, deleted: false },
      { version: 3n, deleted: true },
      'service.deleted',
    ],
    ['a snapshot after a tombstone', { version: 3, deleted: true }, { version: 4n, deleted: false }, 'service.created'],
    ['a replay (same version)', { version: 2, deleted: false }, { version: 2n, deleted: false }, undefined],
    ['an older snapshot delivered late', { version: 5, deleted: false }, { version: 3n, deleted: false }, undefined],
    ['a tombstone of an unknown service', undefined, { version: 1n, deleted: true }, undefined],
    ['a second tombstone', { version: 3, deleted: true }, { version: 4n, deleted: true }, undefined],
  ])('%s', (_what, before, change, expected) => {
    expect(serviceEventOf(before, change)).toBe(expected);
  });
});

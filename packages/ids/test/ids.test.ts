import { newMessageId, newObjectId, newRecordId, newSecret32 } from '../src';

describe('ids', () => {
  it('makes PagerDuty-shaped object ids', () => {
    for (let i = 0; i < 200; i++) expect(newObjectId()).toMatch(/^P[A-Z0-9]{6}$/);
  });

  it('makes record ids of PagerDuty incident shape that do not repeat in a storm', () => {
    // 300,000 ids: an alert storm's log entries. Object ids (2 billion values) repeat here almost surely.
    const ids = new Set(Array.from({ length: 300_000 }, newRecordId));
    expect(ids.size).toBe(300_000);
    for (const id of [...ids].slice(0, 200)) expect(id).toMatch(/^Q[A-Z0-9]{13}$/);
  });

  it('makes 32-character secrets that do not repeat', () => {
    const secrets = new Set(Array.from({ length: 1000 }, newSecret32));
    expect(secrets.size).toBe(1000);
    for (const s of secrets) expect(s).toMatch(/^[0-9a-f]{32}$/);
  });

  it('makes message ids that sort by creation time', () => {
    const early = newMessageId(new Date('2026-01-01T00:00:00Z'));
    const late = newMessageId(new Date('2026-06-01T00:00:00Z'));
    expect(early < late).toBe(true);
    expect(newMessageId()).not.toBe(newMessageId());
  });
});

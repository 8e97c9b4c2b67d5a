import { murmur2, partitionFor } from '../src/postgres-log/partitioner';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('postgres-log partitioner', () => {
  // Vectors from Apache Kafka's UtilsTest.testMurmur2: a key lands where Kafka's default partitioner puts it.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j as Kafka does', (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });

  it.each([
    ['svc-a', 4],
    ['PXYZ123', 12],
    ['', 3],
    ['ünïcødé-key', 7],
  ])('puts key %j on the same partition of %i every time', (key, partitions) => {
    const first = partitionFor(key, partitions);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(partitions);
    for (let i = 0; i < 5; i++) expect(partitionFor(key, partitions)).toBe(first);
  });

  it('is stable across releases (a changed mapping would reorder keys already in the log)', () => {
    expect(['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e'].map((k) => partitionFor(k, 4))).toEqual(
      ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e'].map((k) => (murmur2(bytes(k)) & 0x7fffffff) % 4),
    );
    expect(partitionFor('21', 10)).toBe((-973932308 & 0x7fffffff) % 10);
  });

  it.each([2, 4, 12, 32])('spreads 20,000 keys evenly over %i partitions', (partitions) => {
    const counts = new Array<number>(partitions).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const p = partitionFor(`PSERVICE${i}`, partitions);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    const mean = 20_000 / partitions;
    for (const count of counts) {
      expect(count).toBeGreaterThan(mean * 0.85);
      expect(count).toBeLessThan(mean * 1.15);
    }
  });

  it('gives a one-partition topic partition 0', () => {
    expect(partitionFor('anything', 1)).toBe(0);
  });
});

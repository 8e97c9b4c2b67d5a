/**
 * Key to partition, the same way Kafka's default partitioner does it (murmur2 of the UTF-8 key, made
 * positive, modulo the partition count), so a key lands on the same partition number on either bus.
 */

const seed = 0x9747b28c;
const m = 0x5bd1e995;
const encoder = new TextEncoder();

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), in 32-bit integer arithmetic. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = seed ^ length;
  const blocks = length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const at = i * 4;
    let k =
      ((data[at] ?? 0) & 0xff) |
      (((data[at + 1] ?? 0) & 0xff) << 8) |
      (((data[at + 2] ?? 0) & 0xff) << 16) |
      (((data[at + 3] ?? 0) & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // The last one to three bytes (Java's switch falls through from case 3 to case 1).
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= ((data[tail + 2] ?? 0) & 0xff) << 16;
  if (rest >= 2) h ^= ((data[tail + 1] ?? 0) & 0xff) << 8;
  if (rest >= 1) {
    h ^= (data[tail] ?? 0) & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionFor(key: string, partitionCount: number): number {
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitionCount;
}

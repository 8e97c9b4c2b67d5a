import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusMessage, OutgoingMessage } from '../port';

/** Zero-copy views between Node Buffers (kafkajs) and the plain Uint8Arrays of the port. */
const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const toBytes = (buffer: Buffer | null): Uint8Array =>
  buffer ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(0);

export function toKafkaMessage(message: OutgoingMessage): Message {
  return {
    key: message.key,
    value: toBuffer(message.value),
    ...(message.headers ? { headers: { ...message.headers } } : {}),
  };
}

/** Bytes a message takes in a produce request: payload plus record framing (varints, timestamp delta). */
export function kafkaMessageSize(message: Message): number {
  let size = 70 + Buffer.byteLength(message.key ?? '') + Buffer.byteLength(message.value ?? '');
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += Buffer.byteLength(name) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  return size;
}

/** Kafka allows a header name twice; the port has one value per name, so the last one wins. */
function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

export function toBusMessage(topic: string, partition: number, message: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString() : '',
    value: toBytes(message.value),
    headers: decodeHeaders(message.headers),
    timestamp: new Date(Number(message.timestamp)),
  };
}

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

export interface DeadLetterInfo {
  group: string;
  /** `rejected`: the handler answered dead-letter; `max_attempts`: it kept failing. */
  reason: 'rejected' | 'max_attempts';
  attempts: number;
  error?: unknown;
}

const errorText = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1_000);

/**
 * The copy that goes to `<topic>.dead-letter`: same key, value and headers, plus where it came from
 * and why, so an operator can inspect it and replay it to the origin topic.
 */
export function deadLetterCopy(message: BusMessage, info: DeadLetterInfo): OutgoingMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      'klaxon.origin.topic': message.topic,
      'klaxon.origin.partition': String(message.partition),
      'klaxon.origin.offset': message.offset,
      'klaxon.origin.timestamp': message.timestamp.toISOString(),
      'klaxon.dead_letter.group': info.group,
      'klaxon.dead_letter.reason': info.reason,
      'klaxon.dead_letter.attempts': String(info.attempts),
      ...(info.error !== undefined ? { 'klaxon.dead_letter.error': errorText(info.error) } : {}),
    },
  };
}

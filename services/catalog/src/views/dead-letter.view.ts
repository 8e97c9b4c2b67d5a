import type { Urls } from '@klaxon/rest';
import type { DeadLetterRow } from '../db';

/** A dead letter as Klaxon's `/dead_letters` renders it: where and why it failed, and the message itself. */
export function deadLetterView(urls: Urls, row: DeadLetterRow) {
  return {
    id: row.id,
    type: 'dead_letter',
    summary: `${row.topic}[${row.partition}]@${row.offset} in ${row.group}`,
    self: urls.self('dead_letter', row.id),
    html_url: null,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    consumer_group: row.group,
    reason: row.reason,
    attempts: row.attempts,
    error: row.error,
    message: {
      key: row.key,
      headers: row.headers,
      // Protobuf bytes (the topic's message in proto/); base64 keeps them intact in JSON.
      value_base64: Buffer.from(row.value).toString('base64'),
    },
    appended_at: row.appendedAt.toISOString(),
    created_at: row.createdAt.toISOString(),
  };
}

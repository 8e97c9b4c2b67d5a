import { noContent } from '@klaxon/kit';
import { dateTime, integer, listBody, nullableText, objectBody, text, wrappedBody } from '@klaxon/rest';
import { idParams, listQuery } from './common.schemas';

// Dead letters are a Klaxon addition (PagerDuty has none): tagged and summarized as such.
const tags = ['Klaxon'];
const filterText = { type: 'string', minLength: 1, maxLength: 255 } as const;

/** A dead letter as rendered (views/dead-letter.view.ts): where and why it failed, and the message. */
const deadLetterBody = objectBody(
  'dead_letter',
  {
    topic: text,
    partition: integer,
    offset: { type: 'string', description: 'The message offset on its partition (a 64-bit integer, as text)' },
    consumer_group: text,
    reason: { type: 'string', enum: ['rejected', 'max_attempts'] },
    attempts: integer,
    error: nullableText,
    message: {
      type: 'object',
      required: ['key', 'headers', 'value_base64'],
      properties: {
        key: text,
        headers: { type: 'object', additionalProperties: text },
        value_base64: { type: 'string', format: 'byte', description: 'The protobuf message of its topic (proto/)' },
      },
    },
    appended_at: dateTime,
    created_at: dateTime,
  },
  ['topic', 'partition', 'offset', 'consumer_group', 'reason', 'attempts', 'message', 'appended_at', 'created_at'],
);
const oneDeadLetter = wrappedBody('dead_letter', deadLetterBody);

export const listDeadLettersSchema = {
  tags,
  summary: 'List dead letters (Klaxon addition)',
  description: 'Oldest first. `topic` and `consumer_group` narrow the list.',
  querystring: listQuery([], { topic: filterText, consumer_group: filterText }),
  response: { 200: listBody('dead_letters', deadLetterBody) },
};
export const deadLetterSchema = {
  tags,
  summary: 'Get a dead letter (Klaxon addition)',
  params: idParams,
  response: { 200: oneDeadLetter },
};
export const replayDeadLetterSchema = {
  tags,
  summary: 'Replay a dead letter (Klaxon addition)',
  description:
    'Publishes the message again on its topic and removes the dead letter, in one transaction. ' +
    'If it fails again, it comes back as a new dead letter. Answers the dead letter as it was.',
  params: idParams,
  response: { 200: oneDeadLetter },
};
export const deleteDeadLetterSchema = {
  tags,
  summary: 'Delete a dead letter (Klaxon addition)',
  params: idParams,
  response: { 204: noContent },
};

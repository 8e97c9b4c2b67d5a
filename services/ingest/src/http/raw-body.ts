import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** PagerDuty's limit on an Events API request, counted after decompression. */
export const MAX_EVENT_BYTES = 512 * 1024;

const decoders: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

export class UnsupportedEncoding extends Error {
  readonly statusCode = 415;
}

/**
 * Bodies reach the handlers as raw Buffers, decompressed, at most MAX_EVENT_BYTES after
 * decompression: the handlers parse JSON themselves so every refusal has the Events API's shape.
 */
export function useRawEventBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_EVENT_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  app.addHook('preParsing', async (request: FastifyRequest, _reply, payload: Readable) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return payload;
    const decoder = decoders[encoding];
    if (!decoder) throw new UnsupportedEncoding(`Content-Encoding ${encoding} is not supported`);
    const decoded = decoder() as NodeJS.ReadWriteStream & { receivedEncodedLength: number };
    // Fastify compares Content-Length with the bytes received on the wire, not the decoded ones.
    decoded.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      decoded.receivedEncodedLength += chunk.length;
    });
    payload.on('error', (err) => decoded.emit('error', err));
    return payload.pipe(decoded) as unknown as Readable;
  });
}

/** True for application/json with or without parameters (charset). */
export function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  if (!type) return false;
  const semi = type.indexOf(';');
  return (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase() === 'application/json';
}

import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createApp } from '../src/app';
import type { HttpLimits } from '../src/http-limits';

// The HTTP server as clients meet it on a real loopback socket: slow, idle, malformed and too many
// connections (issue 14 items 10 and 11). Limits are short so the server's own timers do the waiting.

const limits: HttpLimits = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  idleTimeoutMs: 800,
  maxConnectionsPerAddress: 3,
};

interface Client {
  socket: Socket;
  /** Everything the server sent, as text. */
  received(): string;
  /** Resolves with what was received once the server closed the connection. */
  closed: Promise<string>;
}

let app: FastifyInstance;
let port: number;

function open(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', () => undefined);
    const closed = new Promise<string>((done) => socket.on('close', () => done(text)));
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

/** Status line and parsed JSON body of a raw HTTP/1.1 answer. */
function parse(raw: string): { status: number; body: unknown } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: body ? JSON.parse(body) : undefined };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

beforeAll(async () => {
  app = createApp({ name: 'test', logger: pino({ level: 'silent' }), http: limits });
  app.post('/echo', async (request) => ({ got: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(() => app.close());

describe('what is refused, in PagerDuty bodies', () => {
  it('malformed HTTP: 400 / 2001', async () => {
    const client = await open();
    client.socket.write('NONSENSE\r\n\r\n');
    expect(parse(await client.closed)).toEqual({
      status: 400,
      body: { error: { message: 'Invalid Input Provided', code: 2001, errors: ['The request is not valid HTTP'] } },
    });
  });

  it('headers beyond the parser limit: 431 in the same body', async () => {
    const client = await open();
    client.socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const answer = parse(await client.closed);
    expect(answer.status).toBe(431);
    expect(answer.body).toMatchObject({ error: { code: 2001 } });
  });

  it('headers that never finish: 408 and the connection closed', async () => {
    const client = await open();
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(parse(await client.closed)).toEqual({
      status: 408,
      body: {
        error: { message: 'Invalid Input Provided', code: 2001, errors: ['The request was not received in time'] },
      },
    });
  });

  it('a body trickled a byte at a time: 408 and the connection closed', async () => {
    const client = await open();
    client.socket.write(
      'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
    );
    const trickle = setInterval(() => client.socket.writable && client.socket.write(' '), 50);
    try {
      expect(parse(await client.closed).status).toBe(408);
    } finally {
      clearInterval(trickle);
    }
  });

  it('a connection that never sends anything gets 408 and is closed', async () => {
    const client = await open();
    expect(parse(await client.closed).status).toBe(408);
  });

  it('a kept-alive connection is closed once idle, after its answers', async () => {
    const client = await open();
    client.socket.write(get('/healthz'));
    const text = await client.closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).toContain('{"status":"ok"}');
  });

  it('connections beyond the per-address cap get 429 / 2020; a freed slot serves again', async () => {
    const held = [await open(), await open(), await open()];
    for (const client of held) client.socket.write(get('/healthz'));
    const extra = await open();
    extra.socket.write(get('/healthz'));
    expect(parse(await extra.closed)).toEqual({
      status: 429,
      body: {
        error: { message: 'Rate Limit Exceeded', code: 2020, errors: ['Too many open connections from this address'] },
      },
    });
    for (const client of held) expect(client.received()).toMatch(/^HTTP\/1\.1 200 OK/);
    const first = held[0] as Client;
    first.socket.destroy();
    await first.closed;
    const again = await open();
    again.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(await again.closed).toMatch(/^HTTP\/1\.1 200 OK/);
    for (const client of held) client.socket.destroy();
  });
});

describe('what works', () => {
  it('a request sent promptly is answered', async () => {
    const client = await open();
    const body = '{"a":1}';
    client.socket.write(
      `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    const text = await client.closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).toContain('{"got":{"a":1}}');
  });
});

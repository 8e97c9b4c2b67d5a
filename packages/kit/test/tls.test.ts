import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../src/app';
import { createLogger } from '../src/logger';
import { loadTls } from '../src/tls';

// A throwaway self-signed certificate for 127.0.0.1, made with the system's openssl.
const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-tls-'));
const certFile = path.join(dir, 'cert.pem');
const keyFile = path.join(dir, 'key.pem');
const otherKeyFile = path.join(dir, 'other-key.pem');

function selfSigned(cert: string, key: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
}

let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  selfSigned(certFile, keyFile);
  selfSigned(path.join(dir, 'other-cert.pem'), otherKeyFile);
  const tls = loadTls({ KLAXON_TLS_CERT_FILE: certFile, KLAXON_TLS_KEY_FILE: keyFile });
  const logger = createLogger({ level: 'silent', name: 'test' });
  app = createApp({ name: 'test', logger, ...(tls ? { tls } : {}) });
  app.get('/echo', async (request) => ({ protocol: request.protocol, host: request.headers.host }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(requester: typeof httpsRequest, options: RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = requester(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('native TLS (KLAXON_TLS_CERT_FILE / KLAXON_TLS_KEY_FILE)', () => {
  it('answers HTTPS requests from a client that trusts the certificate, and knows they came over TLS', async () => {
    const ca = readFileSync(certFile);
    const res = await get(httpsRequest, { host: '127.0.0.1', port, path: '/echo', ca });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ protocol: 'https', host: `127.0.0.1:${port}` });
    const health = await get(httpsRequest, { host: '127.0.0.1', port, path: '/healthz', ca });
    expect(health).toEqual({ status: 200, body: '{"status":"ok"}' });
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(get(httpsRequest, { host: '127.0.0.1', port, path: '/healthz' })).rejects.toThrow(/self-signed/);
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    const outcome = await get(httpRequest, { host: '127.0.0.1', port, path: '/healthz' }).then(
      (res) => res.status,
      () => 'refused',
    );
    expect(outcome).not.toBe(200);
  });
});

describe('loadTls', () => {
  it('is off when neither variable is set', () => {
    expect(loadTls({})).toBeUndefined();
    expect(loadTls({ KLAXON_TLS_CERT_FILE: '', KLAXON_TLS_KEY_FILE: '' })).toBeUndefined();
  });

  it('refuses one variable without the other, naming what is missing', () => {
    expect(() => loadTls({ KLAXON_TLS_CERT_FILE: certFile })).toThrow(
      /KLAXON_TLS_CERT_FILE is set without KLAXON_TLS_KEY_FILE/,
    );
    expect(() => loadTls({ KLAXON_TLS_KEY_FILE: keyFile })).toThrow(
      /KLAXON_TLS_KEY_FILE is set without KLAXON_TLS_CERT_FILE/,
    );
  });

  it("refuses a key that is not the certificate's, or a file that is not PEM, without printing the key", () => {
    expect(() => loadTls({ KLAXON_TLS_CERT_FILE: certFile, KLAXON_TLS_KEY_FILE: otherKeyFile })).toThrow(
      /do not load: .*key values mismatch/,
    );
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    expect(() => loadTls({ KLAXON_TLS_CERT_FILE: certFile, KLAXON_TLS_KEY_FILE: junk })).toThrow(/do not load/);
  });

  it('refuses a missing file', () => {
    expect(() => loadTls({ KLAXON_TLS_CERT_FILE: path.join(dir, 'nope.pem'), KLAXON_TLS_KEY_FILE: keyFile })).toThrow(
      /ENOENT/,
    );
  });
});

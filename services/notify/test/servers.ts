import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** An in-process SMTP server (smtp-server) that keeps what it receives, parsed; `delayMs` before each 250. */
export async function startSmtpServer(options: { delayMs?: number } = {}) {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  // A sender killed mid-session (the kill test) resets its connection: an event, not a crash of the suite.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server on loopback that records requests and answers with `respond`. */
export async function startHttpServer(
  respond: (req: Received, res: http.ServerResponse) => void = (_req, res) => res.writeHead(200).end('ok'),
  host = '127.0.0.1',
) {
  const received: Received[] = [];
  let handler = respond;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    // A sender killed mid-request resets the connection; the request is simply not recorded.
    req.on('error', () => undefined);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    port,
    url: `http://${host}:${port}`,
    answer(next: typeof respond) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const TWILIO = {
  accountSid: 'AC00000000000000000000000000000001',
  authToken: 'twilio-test-token',
  from: '+15550000000',
};

/**
 * A Twilio-shaped REST server: checks basic auth and the Messages/Calls form fields as Twilio's API
 * documents them, and answers 201 with a resource (sid, status queued) or Twilio's error body. Like
 * providers that document an Idempotency-Key (Telnyx, Infobip), a request repeating a key answers the
 * resource created the first time instead of creating another. `delayMs` before each answer.
 */
export async function startTwilioServer(options: { delayMs?: number } = {}) {
  let counter = 0;
  let failNext = 0;
  const created = new Map<string, object>();
  const server = await startHttpServer((req, res) => {
    const send = (status: number, body: object) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const key = req.headers['idempotency-key'];
    const json = (status: number, body: object) => {
      if (status === 201 && typeof key === 'string') created.set(key, body);
      if (options.delayMs) setTimeout(() => send(status, body), options.delayMs);
      else send(status, body);
    };
    const replay = typeof key === 'string' ? created.get(key) : undefined;
    if (replay) return json(201, replay);
    const expectedAuth = `Basic ${Buffer.from(`${TWILIO.accountSid}:${TWILIO.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expectedAuth) {
      return json(401, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(req.url);
    if (req.method !== 'POST' || !match || match[1] !== TWILIO.accountSid)
      return json(404, { code: 20404, message: 'Not found', status: 404 });
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded')
      return json(400, { code: 21000, message: 'bad content type', status: 400 });
    if (failNext > 0) {
      failNext--;
      return json(503, { code: 20503, message: 'Service Unavailable', status: 503 });
    }
    const form = new URLSearchParams(req.body);
    const to = form.get('To');
    if (!to || !/^\+\d{8,15}$/.test(to))
      return json(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 });
    if (form.get('From') !== TWILIO.from)
      return json(400, { code: 21212, message: 'Invalid From number', status: 400 });
    counter++;
    if (match[2] === 'Messages') {
      if (!form.get('Body')) return json(400, { code: 21602, message: 'Message body is required.', status: 400 });
      return json(201, {
        sid: `SM${String(counter).padStart(32, '0')}`,
        account_sid: TWILIO.accountSid,
        to,
        from: TWILIO.from,
        body: form.get('Body'),
        status: 'queued',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        uri: `/2010-04-01/Accounts/${TWILIO.accountSid}/Messages/SM${counter}.json`,
      });
    }
    if (!form.get('Twiml') && !form.get('Url'))
      return json(400, { code: 21205, message: 'Url parameter is required.', status: 400 });
    return json(201, {
      sid: `CA${String(counter).padStart(32, '0')}`,
      account_sid: TWILIO.accountSid,
      to,
      from: TWILIO.from,
      status: 'queued',
    });
  });
  const forms = (resource: 'Messages' | 'Calls') =>
    server.received
      .filter((r) => r.url.endsWith(`/${resource}.json`))
      .map((r) => Object.fromEntries(new URLSearchParams(r.body)));
  return {
    ...server,
    /** Accepted (and refused) requests' form fields. */
    messages: () => forms('Messages'),
    calls: () => forms('Calls'),
    /** Messages and calls created (a repeated idempotency key creates nothing more). */
    created: () => counter,
    failTimes(n: number) {
      failNext = n;
    },
  };
}

/**
 * A status callback as Twilio sends it: form-encoded, signed as Twilio's security docs describe
 * (HMAC-SHA1 with the auth token over the URL and the sorted parameters' names and values, Base64).
 * Written here from the docs, apart from Klaxon's verifier.
 */
export function twilioCallback(url: string, params: Record<string, string>, authToken = TWILIO.authToken) {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return {
    payload: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64'),
      'user-agent': 'TwilioProxy/1.1',
    },
  };
}

import net from 'node:net';
import { DatabaseError } from 'pg';
import { isTransientError } from '../src/transient-error';

/** pg's own error class, as its protocol parser builds it from an ErrorResponse. */
function pgError(code: string, message: string): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.code = code;
  err.severity = code.startsWith('57P') ? 'FATAL' : 'ERROR';
  return err;
}

/** What drizzle 0.45 throws: DrizzleQueryError, pg's error in `cause`. */
const drizzleWrapped = (cause: unknown) =>
  Object.assign(new Error('Failed query: insert into "grouping"."alerts" ...\nparams: ...', { cause }), {
    name: 'DrizzleQueryError',
  });

/** A real node connect failure on a port nothing listens on. */
async function connectError(): Promise<NodeJS.ErrnoException> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', (err) => resolve(err));
  });
}

describe('isTransientError', () => {
  it.each([
    ['40001', 'could not serialize access due to concurrent update'],
    ['40P01', 'deadlock detected'],
    ['55P03', 'canceling statement due to lock timeout'],
    ['57014', 'canceling statement due to statement timeout'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['53300', 'sorry, too many clients already'],
    ['08006', 'connection failure'],
    ['08001', 'could not connect to server'],
    ['08P01', 'protocol violation'],
  ])('pg %s (%s) is transient, also wrapped by drizzle', (code, message) => {
    expect(isTransientError(pgError(code, message))).toBe(true);
    expect(isTransientError(drizzleWrapped(pgError(code, message)))).toBe(true);
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint "alerts_pkey"'],
    ['22P05', 'unsupported Unicode escape sequence'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['42P01', 'relation "grouping.alerts" does not exist'],
    ['42703', 'column "x" does not exist'],
    ['22003', 'value "10000000000" is out of range for type integer'],
    ['54001', 'stack depth limit exceeded'],
  ])('pg %s (%s) is permanent, also wrapped by drizzle', (code, message) => {
    expect(isTransientError(pgError(code, message))).toBe(false);
    expect(isTransientError(drizzleWrapped(pgError(code, message)))).toBe(false);
  });

  it('a real ECONNREFUSED from node is transient', async () => {
    const err = await connectError();
    expect(err.code).toBe('ECONNREFUSED');
    expect(isTransientError(err)).toBe(true);
    expect(isTransientError(drizzleWrapped(err))).toBe(true);
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])(
    'node %s is transient',
    (code) => {
      expect(isTransientError(Object.assign(new Error(`read ${code}`), { code, errno: -1, syscall: 'read' }))).toBe(
        true,
      );
    },
  );

  it('node connecting to several addresses fails with an AggregateError of them', () => {
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}:5432`), { code: 'ECONNREFUSED', address });
    expect(isTransientError(new AggregateError([refused('::1'), refused('127.0.0.1')]))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Query read timeout',
    'Client has encountered a connection error and is not queryable',
  ])('pg and pg-pool "%s" (no code) is transient', (message) => {
    expect(isTransientError(new Error(message))).toBe(true);
  });

  it('kafkajs connection and timeout errors are transient', () => {
    const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });
    expect(isTransientError(named('KafkaJSConnectionError', { retriable: true }))).toBe(true);
    expect(isTransientError(named('KafkaJSRequestTimeoutError'))).toBe(true);
    expect(
      isTransientError(named('KafkaJSNumberOfRetriesExceeded', { originalError: named('KafkaJSConnectionError') })),
    ).toBe(true);
    expect(isTransientError(named('KafkaJSProtocolError', { retriable: false, type: 'MESSAGE_TOO_LARGE' }))).toBe(
      false,
    );
  });

  it.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a SyntaxError', new SyntaxError('Unexpected token')],
    ['a plain error', new Error('handler returned an unknown outcome: maybe')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
  ])('%s is permanent', (_what, err) => {
    expect(isTransientError(err)).toBe(false);
  });

  it('a cycle of causes ends', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = new Error('b', { cause: a });
    expect(isTransientError(a)).toBe(false);
  });
});

import type { BusMessage } from '../src/port';

// Small helpers the bus suites share: text messages in, text bodies out, a handler that collects.
const text = new TextEncoder();
const fromBytes = new TextDecoder();

export const msg = (key: string, body: string) => ({ key, value: text.encode(body) });
export const body = (m: BusMessage) => fromBytes.decode(m.value);
export const collect =
  (into: BusMessage[]) =>
  async (m: BusMessage): Promise<'ok'> => {
    into.push(m);
    return 'ok';
  };

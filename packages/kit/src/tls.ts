import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** A certificate chain and its private key, PEM, as the HTTPS server takes them. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** The variables that turn on native TLS; spread into a service's config schema (commonConfigSchema does). */
export const tlsConfigSchemaProperties = {
  KLAXON_TLS_CERT_FILE: {
    type: 'string',
    description:
      'PEM certificate chain (leaf first). With KLAXON_TLS_KEY_FILE the server speaks HTTPS only; unset: plain HTTP.',
  },
  KLAXON_TLS_KEY_FILE: {
    type: 'string',
    description: 'PEM private key of KLAXON_TLS_CERT_FILE; readable by the Klaxon process only.',
  },
} as const;

/**
 * The TLS files a configuration names, read and checked once at start: undefined when neither is set,
 * an error naming the variable when only one is, or when the pair does not load (a key of another
 * certificate, a file that is not PEM), so a misconfiguration stops the start instead of each handshake.
 */
export function loadTls(env: { KLAXON_TLS_CERT_FILE?: string; KLAXON_TLS_KEY_FILE?: string }): TlsFiles | undefined {
  const certFile = env.KLAXON_TLS_CERT_FILE || undefined;
  const keyFile = env.KLAXON_TLS_KEY_FILE || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile) throw new Error('KLAXON_TLS_KEY_FILE is set without KLAXON_TLS_CERT_FILE');
  if (!keyFile) throw new Error('KLAXON_TLS_CERT_FILE is set without KLAXON_TLS_KEY_FILE');
  const files = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  try {
    createSecureContext(files);
  } catch (err) {
    // The reason only (e.g. "key values mismatch"): the key's bytes never reach the message.
    throw new Error(`KLAXON_TLS_CERT_FILE / KLAXON_TLS_KEY_FILE do not load: ${(err as Error).message}`);
  }
  return files;
}

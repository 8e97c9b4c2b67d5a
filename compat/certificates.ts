import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Certificates {
  /** The throwaway CA every client is told to trust (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS). */
  caFile: string;
  ca: Buffer;
  certFile: string;
  keyFile: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * A throwaway CA and a server certificate it signs for 127.0.0.1 and localhost, made with the
 * system's openssl: a CA and a leaf (not one self-signed leaf) because strict verifiers (Python 3.13,
 * Go) refuse a leaf that acts as its own CA.
 */
export function makeCertificates(dir: string): Certificates {
  mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-days',
    '2',
    '-subj',
    '/CN=Klaxon compat CA',
    '-keyout',
    f('ca-key.pem'),
    '-out',
    f('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(['req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', f('key.pem'), '-out', f('server.csr')]);
  writeFileSync(
    f('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca-key.pem'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('server.ext'),
    '-out',
    f('cert.pem'),
  ]);
  return { caFile: f('ca.pem'), ca: readFileSync(f('ca.pem')), certFile: f('cert.pem'), keyFile: f('key.pem') };
}

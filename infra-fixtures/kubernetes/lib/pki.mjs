// Certificates for the fixture: one CA, the apiserver's serving cert, a client cert per
// component and user, and the service-account signing key pair. Leaf keys are ECDSA P-256
// (fast to generate); the CAs are RSA 2048, as kubeadm makes them: the API server checks a
// client certificate's signature on every request, and an RSA signature verifies several
// times faster than an ECDSA one. Certificates are signed with the `openssl` CLI, keys for
// service accounts come from Node's crypto.

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Client identities: file stem -> subject. Groups (O=) drive RBAC. */
export const CLIENTS = {
  admin: { cn: 'gameday-admin', o: 'system:masters' },
  'kube-controller-manager': { cn: 'system:kube-controller-manager' },
  'kube-scheduler': { cn: 'system:kube-scheduler' },
  kwok: { cn: 'kwok-controller', o: 'gameday:kwok' },
  gameday: { cn: 'gameday', o: 'gameday:chaos' },
};

const DAYS = '30';

async function openssl(args) {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    throw new Error(`openssl ${args.slice(0, 3).join(' ')} failed: ${err.stderr || err.message}`, { cause: err });
  }
}

function subject({ cn, o }) {
  return `${o ? `/O=${o}` : ''}/CN=${cn}`;
}

/**
 * Write the fixture's PKI into `dir` and return the file paths:
 * { ca, apiserver, frontProxyCa, frontProxyClient: {cert, key}; clients: {name: {cert, key}}; sa: {pub, key} }.
 */
export async function generatePki(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A minimal config, so that the system openssl.cnf adds no extensions of its own
  // (its default v3_ca section would mark every leaf as a CA).
  const cnf = path.join(dir, 'openssl.cnf');
  fs.writeFileSync(cnf, '[req]\ndistinguished_name = dn\n[dn]\n');
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];
  const newCaKey = ['-newkey', 'rsa:2048', '-noenc'];
  const files = (name) => ({ cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) });

  const newCa = (name, cn) =>
    openssl([
      'req', '-config', cnf, '-x509', ...newCaKey, '-keyout', files(name).key, '-out', files(name).cert,
      '-days', DAYS, '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]); // prettier-ignore
  // The cluster CA signs every serving and client cert; the front-proxy CA only the
  // apiserver's aggregation-layer client cert (requestheader authentication).
  const ca = files('ca');
  const frontProxyCa = files('front-proxy-ca');
  await Promise.all([newCa('ca', 'gameday-k8s-fixture-ca'), newCa('front-proxy-ca', 'gameday-k8s-front-proxy-ca')]);

  const leaf = (name, subj, usage, san, issuer = ca) =>
    openssl([
      'req', '-config', cnf, '-x509', ...newKey, '-keyout', files(name).key, '-out', files(name).cert,
      '-days', DAYS, '-subj', subj, '-CA', issuer.cert, '-CAkey', issuer.key,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext', `extendedKeyUsage=${usage}`,
      ...(san ? ['-addext', `subjectAltName=${san}`] : []),
    ]); // prettier-ignore

  const sans = [
    'IP:127.0.0.1',
    'IP:10.96.0.1',
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
  ].join(',');
  await Promise.all([
    leaf('apiserver', '/CN=kube-apiserver', 'serverAuth', sans),
    leaf('front-proxy-client', '/CN=front-proxy-client', 'clientAuth', null, frontProxyCa),
    ...Object.entries(CLIENTS).map(([name, id]) => leaf(name, subject(id), 'clientAuth')),
  ]);

  const sa = { pub: path.join(dir, 'sa.pub'), key: path.join(dir, 'sa.key') };
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  fs.writeFileSync(sa.key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(sa.pub, publicKey.export({ type: 'spki', format: 'pem' }));

  for (const f of fs.readdirSync(dir)) if (f.endsWith('.key')) fs.chmodSync(path.join(dir, f), 0o600);

  return {
    ca,
    apiserver: files('apiserver'),
    frontProxyCa,
    frontProxyClient: files('front-proxy-client'),
    clients: Object.fromEntries(Object.keys(CLIENTS).map((name) => [name, files(name)])),
    sa,
  };
}

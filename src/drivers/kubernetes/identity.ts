// Which cluster a kubeconfig reaches: its API server URL and the SHA-256 fingerprint of the certificate
// authority the server's certificate must chain to. Rollback compares both with what the run recorded,
// so an undo never lands on another cluster that happens to share a context name.

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { GamedayError } from '../../errors.js';
import type { KubeClient } from './client.js';

export { defaultKubeconfig, kubeconfigExists } from './kubeconfig-path.js';

export interface KubeIdentity {
  server: string;
  /**
   * SHA-256 fingerprint(s) of the CA in the kubeconfig (comma separated for a bundle); without one, of the
   * certificate the server presents; null for plain http.
   */
  caSha256: string | null;
  caSource: 'kubeconfig' | 'server-certificate' | 'none';
}

function fingerprints(pem: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b).fingerprint256).join(',');
}

/** The certificate the server presents at a TLS handshake (no request is sent), as a SHA-256 fingerprint. */
function serverCertificate(server: URL, signal?: AbortSignal): Promise<string> {
  return new Promise((resolveCert, reject) => {
    const socket = tlsConnect({
      host: server.hostname.replace(/^\[|\]$/g, ''),
      port: Number(server.port || 443),
      servername: /^[\d.]+$|:/.test(server.hostname) ? undefined : server.hostname,
      // Why unverified: this only reads the certificate to compare it with the recorded one.
      rejectUnauthorized: false,
    });
    const fail = (error: unknown): void => {
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('TLS handshake timed out after 10s')), 10_000);
    signal?.addEventListener('abort', () => fail(signal.reason), { once: true });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      socket.end();
      resolveCert(cert.fingerprint256);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
  });
}

/** The identity of the cluster `client`'s current context reaches. */
export async function kubeIdentity(client: KubeClient, signal?: AbortSignal): Promise<KubeIdentity> {
  const cluster = client.config.getCurrentCluster();
  const server = client.server;
  let pem: string | undefined;
  if (cluster?.caData) pem = Buffer.from(cluster.caData, 'base64').toString('utf8');
  else if (cluster?.caFile) pem = readFileSync(cluster.caFile, 'utf8');
  if (pem !== undefined && fingerprints(pem) !== '') {
    return { server, caSha256: fingerprints(pem), caSource: 'kubeconfig' };
  }
  const url = new URL(server);
  if (url.protocol !== 'https:') return { server, caSha256: null, caSource: 'none' };
  try {
    return { server, caSha256: await serverCertificate(url, signal), caSource: 'server-certificate' };
  } catch (error) {
    throw new GamedayError(`cannot read the TLS certificate of ${server}`, {
      kind: 'runtime',
      code: 'K8S_IDENTITY',
      cause: error,
      target: server,
      hint: 'the API server must be reachable to confirm it is the cluster the run acted on',
    });
  }
}

/** "https://… (CA sha256 AB:CD:…)", for messages. */
export function describeKubeIdentity(id: Pick<KubeIdentity, 'server' | 'caSha256'>): string {
  return `${id.server} (CA sha256 ${id.caSha256 ?? 'none: plain http'})`;
}

// RDS on moto, plus the part of a promotion moto leaves out. moto 5.2.5's PromoteReadReplica
// (moto/rds/models.py, RDSBackend.promote_read_replica) only clears an internal `is_replica` flag and
// applies BackupRetentionPeriod: the instance keeps `source_db_instance_identifier`, so
// DescribeDBInstances keeps answering ReadReplicaSourceDBInstanceIdentifier (DBInstance's
// read_replica_source_db_instance_identifier property returns it unchanged), the source keeps the
// replica in ReadReplicaDBInstanceIdentifiers (nothing calls remove_replica), and the status never
// leaves "available". A successful promotion is therefore never visible on moto.
//
// This loopback server (reached through targets.aws.endpoints.rds) forwards every RDS request to moto
// unchanged (signature and Host included, so moto enforcing IAM authorizes it as the caller). For an instance promoted through it, it rewrites what DescribeDBInstances answers the way
// the RDS API reference and user guide describe a promotion: the instance is "modifying" for a short
// while, then "available" with no ReadReplicaSourceDBInstanceIdentifier, and its former source no longer
// lists it. Everything else (the call itself, its parameters, errors, other instances) is moto's.
// moto runs no database: with `endpoint`, the instances a restore drill creates (by id prefix) answer
// with the address of a local PostgreSQL that holds the data a restored copy would.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardToMoto } from './forward.js';

export interface RdsPromotionServer {
  endpoint: string;
  /** `Action` of every request, in order (e.g. "DescribeDBInstances"). */
  actions: string[];
  /** Instances promoted through this server, by `<region>/<id>`, with when PromoteReadReplica returned. */
  promoted: Map<string, number>;
  close(): Promise<void>;
}

/** The region a SigV4-signed request is for (its credential scope). */
function regionOf(req: IncomingMessage): string {
  const auth = String(req.headers['authorization'] ?? '');
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/rds\//.exec(auth)?.[1] ?? 'us-east-1';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** One `<DBInstance>` element of a response, as RDS shows it `sinceMs` after its promotion was accepted. */
function promotedView(xml: string, sinceMs: number, modifyingMs: number): string {
  if (sinceMs < modifyingMs) {
    return xml.replace(/<DBInstanceStatus>[^<]*<\/DBInstanceStatus>/, '<DBInstanceStatus>modifying</DBInstanceStatus>');
  }
  return xml.replace(/<ReadReplicaSourceDBInstanceIdentifier>[^<]*<\/ReadReplicaSourceDBInstanceIdentifier>/, '');
}

/** `<DBInstance>` elements whose id starts with `to.prefix` with their endpoint replaced by `to`'s. */
function withEndpoint(xml: string, to: { prefix: string; address: string; port: number }): string {
  return xml.replace(/<DBInstance>[\s\S]*?<\/DBInstance>/g, (db) => {
    const id = /<DBInstanceIdentifier>([^<]*)<\/DBInstanceIdentifier>/.exec(db)?.[1] ?? '';
    if (!id.startsWith(to.prefix)) return db;
    return db.replace(
      /<Endpoint>[\s\S]*?<\/Endpoint>/,
      `<Endpoint><Address>${to.address}</Address><Port>${to.port}</Port></Endpoint>`,
    );
  });
}

/**
 * Start the server in front of moto at `motoEndpoint`. `modifyingMs`: how long a promoted instance
 * reports "modifying" before it is a standalone "available" instance (default 1 s).
 */
export async function startRdsPromotionServer(
  motoEndpoint: string,
  opts: {
    modifyingMs?: number;
    /** Instances whose id starts with `prefix` answer with this endpoint (a local PostgreSQL standing in for them). */
    endpoint?: { prefix: string; address: string; port: number };
  } = {},
): Promise<RdsPromotionServer> {
  const modifyingMs = opts.modifyingMs ?? 1000;
  const actions: string[] = [];
  const promoted = new Map<string, number>();

  const rewrite = (xml: string, region: string): string => {
    if (promoted.size === 0) return xml;
    return xml.replace(/<DBInstance>[\s\S]*?<\/DBInstance>/g, (db) => {
      const id = /<DBInstanceIdentifier>([^<]*)<\/DBInstanceIdentifier>/.exec(db)?.[1] ?? '';
      const at = promoted.get(`${region}/${id}`);
      let out = at === undefined ? db : promotedView(db, Date.now() - at, modifyingMs);
      // The source stops listing a replica once that replica is standalone.
      for (const [key, t] of promoted) {
        if (Date.now() - t < modifyingMs) continue;
        const [r, replica] = key.split('/') as [string, string];
        // A same-region source lists the replica's id, a cross-region source its ARN.
        const arn = new RegExp(`^arn:aws:rds:${r}:\\d{12}:db:${replica}$`);
        out = out.replace(
          /<ReadReplicaDBInstanceIdentifier>([^<]*)<\/ReadReplicaDBInstanceIdentifier>/g,
          (whole, name: string) => (name === replica || arn.test(name) ? '' : whole),
        );
      }
      return out;
    });
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action') ?? '?';
      actions.push(action);
      const upstream = await forwardToMoto(motoEndpoint, req, body);
      let text = upstream.text;
      const ok = upstream.status >= 200 && upstream.status < 300;
      const region = regionOf(req);
      if (ok && action === 'PromoteReadReplica') {
        promoted.set(`${region}/${params.get('DBInstanceIdentifier') ?? ''}`, Date.now());
      }
      if (ok && (action === 'DescribeDBInstances' || action === 'PromoteReadReplica')) {
        text = rewrite(text, region);
      }
      if (ok && opts.endpoint) text = withEndpoint(text, opts.endpoint);
      res.writeHead(upstream.status, { 'content-type': upstream.headers['content-type'] ?? 'text/xml' });
      res.end(text);
    })().catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`rds promotion server: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions,
    promoted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

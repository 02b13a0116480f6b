// Looking inside a database server the sandbox no longer uses (an old primary after a failover):
// start its data dir as a standalone server on a new port, read it, stop it. Ground truth for RPO.

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { findPostgresBinDir, runPostgresTool, stopPostgres } from '../postgres/server.js';
import type { SandboxStateFile } from './types.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StandaloneServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Start the data dir of sandbox server `name` (in `stateDir`) on its own, on a free port. Only for
 * servers the sandbox retired: it must not be running. Why standalone: after an `immediate` stop the
 * old primary still holds every write it acknowledged, so it tells which writes a failover lost.
 */
export async function startRetiredServer(stateDir: string, name: string): Promise<StandaloneServer> {
  let binDir: string;
  try {
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'sandbox.json'), 'utf8')) as SandboxStateFile;
    binDir = state.pgBinDir ?? findPostgresBinDir();
  } catch {
    binDir = findPostgresBinDir();
  }
  const dataDir = path.join(stateDir, 'pg', name);
  const port = await freePort();
  const log = path.join(stateDir, 'pg', `${name}.standalone.log`);
  // No replication settings are touched: the copy only answers reads and is stopped right after.
  await runPostgresTool(binDir, 'pg_ctl', ['start', '-w', '-t', '60', '-D', dataDir, '-l', log, '-o', `-p ${port}`], {
    cwd: path.dirname(dataDir),
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/connectkit`,
    port,
    stop: () => stopPostgres(binDir, dataDir, 'fast'),
  };
}

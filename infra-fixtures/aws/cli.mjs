#!/usr/bin/env node
// Start or stop moto (the AWS emulator) on loopback by hand:
//   npm run fixture:aws -- up [--state-dir D] [--timeout MS]
//   npm run fixture:aws -- down [--state-dir D]
// `up` installs moto[server] with pip when it is missing, starts it on a free 127.0.0.1 port and prints,
// as its last line, AWS_ENDPOINT_URL=http://127.0.0.1:<port>. `down` leaves no process and no port behind.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMoto, stopMoto } from './lib/moto.mjs';

const pointerFile = process.env.GAMEDAY_MOTO_POINTER ?? path.join(os.tmpdir(), 'gameday-moto-current');

class UsageError extends Error {}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = { command, stateDir: null, timeoutMs: 30_000 };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--state-dir') opts.stateDir = path.resolve(value());
    else if (flag === '--timeout') {
      opts.timeoutMs = Number(value());
      if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs <= 0) throw new UsageError('--timeout must be positive');
    } else throw new UsageError(`unknown option ${flag}`);
  }
  if (command !== 'up' && command !== 'down') throw new UsageError('command must be "up" or "down"');
  return opts;
}

const log = (line) => console.log(`  ${line}`);

async function up(opts) {
  const state = await startMoto({ stateDir: opts.stateDir ?? undefined, timeoutMs: opts.timeoutMs, log });
  fs.writeFileSync(pointerFile, state.stateDir + '\n');
  console.log(`moto up in ${state.stateDir} (pid ${state.pid}); use any access key, e.g. AWS_ACCESS_KEY_ID=testing`);
  console.log(`AWS_ENDPOINT_URL=${state.endpoint}`);
}

async function down(opts) {
  let stateDir = opts.stateDir;
  if (!stateDir) {
    if (!fs.existsSync(pointerFile)) throw new UsageError(`no --state-dir given and no current moto (${pointerFile})`);
    stateDir = fs.readFileSync(pointerFile, 'utf8').trim();
  }
  if (!fs.existsSync(stateDir)) {
    console.log(`nothing to do: ${stateDir} does not exist`);
    return;
  }
  const result = await stopMoto(stateDir, { log });
  if (!result.stopped) console.log(`nothing to stop: ${result.reason}`);
  fs.rmSync(stateDir, { recursive: true, force: true });
  if (fs.existsSync(pointerFile) && fs.readFileSync(pointerFile, 'utf8').trim() === stateDir) fs.rmSync(pointerFile);
  console.log(`moto down; removed ${stateDir}`);
}

try {
  const opts = parseArgs(process.argv.slice(2));
  await (opts.command === 'up' ? up(opts) : down(opts));
} catch (error) {
  console.error(`fixture:aws: ${error.message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}

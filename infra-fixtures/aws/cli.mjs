#!/usr/bin/env node
// Start or stop moto (the AWS emulator) on loopback by hand:
//   npm run fixture:aws -- up [--iam] [--state-dir D] [--timeout MS] [--owner-pid PID]
//   npm run fixture:aws -- down [--state-dir D]
// `up` installs moto[server] with pip when it is missing, starts it on a free 127.0.0.1 port and prints,
// as its last line, AWS_ENDPOINT_URL=http://127.0.0.1:<port>. `down` leaves no process and no port behind.
// With --owner-pid, moto stops (and its state dir is removed) by itself once that process is gone.
// With --iam, moto enforces IAM (lib/moto_iam.py says what it checks): an admin user is bootstrapped
// through the IAM API and its keys are printed; every other principal needs a user and a policy of its own.

import fs from 'node:fs';
import path from 'node:path';
import { UsageError, parseFixtureArgs } from '../shared/cli-args.mjs';
import { fixturePointer } from '../shared/pointer.mjs';
import { ADMIN_USER, startMoto, stopMoto } from './lib/moto.mjs';

/** A moto state dir holds moto.log, and moto.json while moto runs (lib/moto.mjs). */
const isMotoDir = (dir) => ['moto.json', 'moto.log'].some((f) => fs.existsSync(path.join(dir, f)));
const pointer = fixturePointer('moto', process.env.GAMEDAY_MOTO_POINTER, isMotoDir);

function parseArgs(argv) {
  return parseFixtureArgs(argv, {
    commands: ['up', 'down'],
    defaults: { stateDir: null, timeoutMs: 30_000, iam: false },
    flags: {
      '--iam': (o) => (o.iam = true),
      '--state-dir': (o, { value }) => (o.stateDir = path.resolve(value())),
      '--timeout': (o, { int }) => (o.timeoutMs = int(1)),
      '--owner-pid': (o, { int }) => (o.ownerPid = int(1)),
    },
  });
}

const log = (line) => console.log(`  ${line}`);

async function up(opts) {
  const state = await startMoto({
    stateDir: opts.stateDir ?? undefined,
    timeoutMs: opts.timeoutMs,
    log,
    ownerPid: opts.ownerPid,
    iam: opts.iam,
  });
  const previous = pointer.set(state.stateDir);
  if (previous)
    console.log(`note: the previous moto ${previous} keeps running; stop it with down --state-dir ${previous}`);
  if (state.iam) {
    const { accessKeyId, secretAccessKey } = state.iam.admin;
    console.log(`moto up in ${state.stateDir} (pid ${state.pid}) with IAM enforced; admin user ${ADMIN_USER}:`);
    console.log(`AWS_ACCESS_KEY_ID=${accessKeyId}`);
    console.log(`AWS_SECRET_ACCESS_KEY=${secretAccessKey}`);
  } else {
    console.log(`moto up in ${state.stateDir} (pid ${state.pid}); use any access key, e.g. AWS_ACCESS_KEY_ID=testing`);
  }
  if (state.watchdogPid) {
    console.log(`owner pid ${opts.ownerPid}; moto is stopped by watchdog pid ${state.watchdogPid} once it is gone`);
  }
  console.log(`AWS_ENDPOINT_URL=${state.endpoint}`);
}

async function down(opts) {
  const stateDir = opts.stateDir ?? pointer.resolve();
  if (!fs.existsSync(stateDir)) {
    pointer.clear(stateDir);
    console.log(`nothing to do: ${stateDir} does not exist`);
    return;
  }
  const result = await stopMoto(stateDir, { log });
  if (!result.stopped) console.log(`nothing to stop: ${result.reason}`);
  fs.rmSync(stateDir, { recursive: true, force: true });
  pointer.clear(stateDir);
  console.log(`moto down; removed ${stateDir}`);
}

try {
  const opts = parseArgs(process.argv.slice(2));
  await (opts.command === 'up' ? up(opts) : down(opts));
} catch (error) {
  console.error(`fixture:aws: ${error.message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}

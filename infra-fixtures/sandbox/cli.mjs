#!/usr/bin/env node
// Start or stop the sandbox by hand:
//   npm run fixture:sandbox -- up [--replicas N] [--no-database] [--startup-delay MS] [--state-dir D] [--timeout MS]
//   npm run fixture:sandbox -- down [--state-dir D]
// `up` prints the status and, as its last line, SANDBOX_URL=<control URL>.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, parseFixtureArgs } from '../shared/cli-args.mjs';
import { fixturePointer } from '../shared/pointer.mjs';
import { teardown } from './lib/teardown.mjs';
import { isAlive, sleep } from './lib/util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** A sandbox state dir holds the config.json `up` wrote, naming that very dir. */
function isSandboxDir(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).stateDir === dir;
  } catch {
    return false;
  }
}
const pointer = fixturePointer('sandbox', process.env.GAMEDAY_SANDBOX_POINTER, isSandboxDir);

function parseArgs(argv) {
  return parseFixtureArgs(argv, {
    commands: ['up', 'down'],
    defaults: { replicas: 6, database: true, startupDelayMs: 2000, stateDir: null, timeoutMs: 120_000 },
    flags: {
      '--replicas': (o, { int }) => (o.replicas = int(0)),
      '--no-database': (o) => (o.database = false),
      '--startup-delay': (o, { int }) => (o.startupDelayMs = int(0)),
      '--state-dir': (o, { value }) => (o.stateDir = path.resolve(value())),
      '--timeout': (o, { int }) => (o.timeoutMs = int(0)),
    },
  });
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function up(opts) {
  const stateDir = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-sandbox-'));
  fs.mkdirSync(stateDir, { recursive: true });
  const configFile = path.join(stateDir, 'config.json');
  const config = { stateDir, replicas: opts.replicas, startupDelayMs: opts.startupDelayMs, database: opts.database };
  fs.writeFileSync(configFile, JSON.stringify({ zones: ['a', 'b', 'c'], ...config }, null, 2));
  const logFile = path.join(stateDir, 'supervisor.log');
  const log = fs.openSync(logFile, 'a');
  // Detached, output to a file: the sandbox outlives this command until `down`.
  const child = spawn(process.execPath, [path.join(here, 'supervisor.mjs'), configFile], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  child.unref();
  const previous = pointer.set(stateDir);
  if (previous)
    console.log(`note: the previous sandbox ${previous} keeps running; stop it with down --state-dir ${previous}`);
  const stateFile = path.join(stateDir, 'sandbox.json');
  const deadline = Date.now() + opts.timeoutMs;
  while (!fs.existsSync(stateFile)) {
    if (!isAlive(child.pid ?? 0) || Date.now() > deadline) {
      const why = isAlive(child.pid ?? 0) ? `was not whole after ${opts.timeoutMs} ms` : 'exited during start-up';
      await teardown(stateDir, { graceMs: 3000 });
      throw new Error(`sandbox ${why}; supervisor log (${logFile}):\n${tail(logFile)}`);
    }
    await sleep(50);
  }
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  const status = await (await fetch(`${state.controlUrl}/status`)).json();
  console.log(`sandbox up in ${stateDir} (supervisor pid ${state.pid})`);
  console.log(`  api:      ${state.apiUrl}`);
  console.log(`  database: ${state.databaseUrl ?? '(none)'}`);
  if (status.db) {
    const s = status.db.standby;
    console.log(
      `  primary:  ${status.db.primary.name} port ${status.db.primary.port}; standby: ${s ? `${s.name} port ${s.port}` : 'none'}`,
    );
  }
  console.log(`  replicas: ${status.ready}/${status.desired} ready`);
  for (const r of status.replicas)
    console.log(`    ${r.id.padEnd(10)} zone ${r.zone} ${r.capacity.padEnd(9)} pid ${r.pid} port ${r.port} ${r.state}`);
  console.log(`SANDBOX_URL=${state.controlUrl}`);
}

async function down(opts) {
  const stateDir = opts.stateDir ?? pointer.resolve();
  if (!fs.existsSync(stateDir)) {
    pointer.clear(stateDir);
    console.log(`nothing to do: ${stateDir} does not exist`);
    return;
  }
  const result = await teardown(stateDir);
  for (const a of result.actions) console.log(`  ${a}`);
  if (result.alive.length > 0) {
    throw new Error(`processes still alive after down: ${result.alive.join(', ')} (state kept in ${stateDir})`);
  }
  fs.rmSync(stateDir, { recursive: true, force: true });
  pointer.clear(stateDir);
  console.log(`sandbox down; ${result.pids.length} process(es) checked, none alive; removed ${stateDir}`);
}

try {
  const opts = parseArgs(process.argv.slice(2));
  await (opts.command === 'up' ? up(opts) : down(opts));
} catch (error) {
  console.error(`fixture:sandbox: ${error.message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}

#!/usr/bin/env node
// Start or stop a Prometheus that scrapes every sandbox on this machine every second:
//   npm run fixture:prometheus -- up [--state-dir D] [--sd-dir D] [--owner-pid P]
//   npm run fixture:prometheus -- down [--state-dir D]
// `up` prints, as its last line, PROMETHEUS_URL=<url> (scenarios read ${PROMETHEUS_URL}).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError, parseFixtureArgs } from '../shared/cli-args.mjs';
import { readPrometheusState, startPrometheus, stopPrometheus } from './lib/prometheus.mjs';

const pointerFile = process.env.GAMEDAY_PROMETHEUS_POINTER ?? path.join(os.tmpdir(), 'gameday-prometheus-current');

function parseArgs(argv) {
  return parseFixtureArgs(argv, {
    commands: ['up', 'down'],
    defaults: { stateDir: null, sdDir: undefined, ownerPid: null },
    flags: {
      '--state-dir': (o, { value }) => (o.stateDir = path.resolve(value())),
      '--sd-dir': (o, { value }) => (o.sdDir = path.resolve(value())),
      '--owner-pid': (o, { int }) => (o.ownerPid = int(1)),
    },
  });
}

async function up(opts) {
  const stateDir = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-prometheus-'));
  const p = await startPrometheus({
    stateDir,
    ...(opts.sdDir ? { sdDir: opts.sdDir } : {}),
    ...(opts.ownerPid ? { ownerPid: opts.ownerPid } : {}),
  });
  fs.writeFileSync(pointerFile, stateDir + '\n');
  console.log(`prometheus up in ${stateDir} (pid ${p.pid}), scraping ${path.join(p.sdDir, '*.json')} every 1s`);
  console.log(`PROMETHEUS_URL=${p.url}`);
}

async function down(opts) {
  let stateDir = opts.stateDir;
  if (!stateDir) {
    if (!fs.existsSync(pointerFile))
      throw new UsageError(`no --state-dir given and no current Prometheus (${pointerFile})`);
    stateDir = fs.readFileSync(pointerFile, 'utf8').trim();
  }
  if (!fs.existsSync(stateDir)) {
    console.log(`nothing to do: ${stateDir} does not exist`);
    return;
  }
  const state = readPrometheusState(stateDir);
  await stopPrometheus({ stateDir, removeDir: true });
  if (fs.existsSync(pointerFile) && fs.readFileSync(pointerFile, 'utf8').trim() === stateDir) fs.rmSync(pointerFile);
  console.log(`prometheus down${state ? ` (pid ${state.pid})` : ''}; removed ${stateDir}`);
}

try {
  const opts = parseArgs(process.argv.slice(2));
  await (opts.command === 'up' ? up(opts) : down(opts));
} catch (error) {
  console.error(`fixture:prometheus: ${error.message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}

// Secrets never reach a report, a log or the journal, end to end: a chaos run and a restore drill whose
// probe and load URLs, headers, database URLs (a password with a raw "@" among them) and environment carry
// secrets, through the real CLI against a real sandbox; none of the secrets may appear in stdout, stderr,
// report.json, junit.xml, summary.md, report.html, the journal or any other file of the run directory, nor in
// what validate, plan and `gameday report` print (with GAMEDAY_DEBUG's stack traces on). Probes against a
// closed port make the error paths (transport errors, database connection errors) part of the run.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../src/drivers/sandbox/index.js';
import type { Report } from '../src/report/types.js';
import { runCli, type CliResult } from './helpers/cli.js';

const secret = (label: string): string => `${label}${randomBytes(9).toString('hex')}`;
/** Every secret the runs are given; each must be found nowhere afterwards (nor URL-encoded). */
const SECRETS = {
  GD_TOKEN: secret('tok'),
  GD_QUERY_PW: secret('qpw'),
  GD_BEARER: secret('bearer'),
  GD_APIKEY: secret('apikey'),
  GD_SIG: secret('sig'),
  GD_USERINFO: secret('ui'),
  // A raw "@" in a database password: redaction must run to the last "@" of the userinfo.
  GD_DB_PW: `p@${secret('db')}`,
  GD_DB_PW2: secret('dbtwo'),
  // Only in the environment of the CLI.
  AWS_SECRET_ACCESS_KEY: `wJalrXUtnFEMI/K7MDENG/${randomBytes(12)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x')
    .slice(0, 16)}xY`,
  PGPASSWORD: secret('pgenv'),
};

let sandbox: SandboxHandle;
let closedPort: number;
const dir = mkdtempSync(join(tmpdir(), 'gameday-secrets-'));

beforeAll(async () => {
  sandbox = await startSandbox({ replicas: 4, zones: ['a', 'b'], startupDelayMs: 300, database: true });
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closedPort = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The sandbox's PostgreSQL (writer endpoint) with a password in the URL; the sandbox trusts loopback. */
function dbUrl(): string {
  const u = new URL(sandbox.databaseUrl as string);
  return `postgres://postgres:${SECRETS.GD_DB_PW}@127.0.0.1:${u.port}${u.pathname}`;
}

function env(): Record<string, string> {
  return {
    ...SECRETS,
    GD_DB_URL: dbUrl(),
    GD_CLOSED_PORT: String(closedPort),
    GAMEDAY_SANDBOX_URL: sandbox.controlUrl,
  };
}

const RUN = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: it-secrets-run }
targets: { sandbox: {} }
guards: { maxUnavailable: 50%, timeout: 3m }
steadyState: [api, db]
probes:
  api:
    http:
      url: '\${SANDBOX_API_URL}/health?token=\${GD_TOKEN}&password=\${GD_QUERY_PW}'
      headers: { Authorization: 'Bearer \${GD_BEARER}', x-api-key: '\${GD_APIKEY}' }
      expect: { status: 200 }
    interval: 200ms
  gone:
    http: { url: 'http://user:\${GD_USERINFO}@127.0.0.1:\${GD_CLOSED_PORT}/x?X-Amz-Signature=\${GD_SIG}' }
    interval: 500ms
  db:
    sql: { url: '\${GD_DB_URL}', query: select 1 }
    interval: 200ms
  gonedb:
    sql: { url: 'postgres://app:\${GD_DB_PW2}@127.0.0.1:\${GD_CLOSED_PORT}/x', query: select 1 }
    interval: 500ms
load:
  builtin:
    url: '\${SANDBOX_API_URL}/contacts?api_key=\${GD_TOKEN}'
    headers: { Authorization: 'Bearer \${GD_BEARER}' }
    rate: 20/s
    duration: 4s
markers:
  postgres: { url: '\${GD_DB_URL}', interval: 100ms }
steps:
  - fault: pod-kill
    select: { count: 1 }
  - wait: { for: api, timeout: 1m }
objectives:
  availability:
    - { probe: api, window: run, min: 50% }
    - { probe: gone, window: run, min: 50% }
    - { probe: gonedb, window: run, min: 50% }
`;

const DRILL = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: it-secrets-drill }
targets: { sandbox: {} }
markers:
  postgres: { url: '\${GD_DB_URL}', interval: 100ms }
drill:
  source:
    postgres: { url: '\${GD_DB_URL}' }
  target: scratch-server
  validations:
    - rowCounts: { tables: [contacts] }
    - query: { name: one, sql: select 1, expect: { equals: 1 } }
    - marker: {}
objectives:
  restoreTime: { max: 5m }
  validations: all
`;

/** Every file under `root`, recursively, with its text. */
function filesUnder(root: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, text: readFileSync(path, 'utf8') });
  }
  return out;
}

/** Where any secret (raw or URL-encoded) shows up in `texts`. */
function leaks(texts: Array<{ path: string; text: string }>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(SECRETS)) {
    for (const form of new Set([value, encodeURIComponent(value), value.replace(/^p@/, '')])) {
      for (const t of texts) if (t.text.includes(form)) found.push(`${name} in ${t.path}`);
    }
  }
  return found;
}

async function runAndCheck(
  kind: 'run' | 'drill',
  text: string,
  scenario: string,
): Promise<{ res: CliResult; report: Report }> {
  const file = join(dir, `${scenario}.yaml`);
  writeFileSync(file, text);
  const reportDir = join(dir, `reports-${kind}`);
  const res = await runCli([kind, file, '--report-dir', reportDir], env());
  const [run] = readdirSync(join(reportDir, scenario));
  const runDir = join(reportDir, scenario, run as string);
  const files = filesUnder(runDir);
  expect(files.map((f) => f.path.slice(runDir.length + 1)).sort()).toEqual(
    expect.arrayContaining(['journal.ndjson', 'junit.xml', 'report.html', 'report.json', 'summary.md']),
  );
  expect(
    leaks([{ path: 'stdout', text: res.stdout }, { path: 'stderr', text: res.stderr }, ...files]),
    'secrets found',
  ).toEqual([]);
  return { res, report: JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report };
}

describe('secrets end to end', () => {
  it('a chaos run with secrets in probe and load URLs, headers, database URLs and the environment', async () => {
    const { res, report } = await runAndCheck('run', RUN, 'it-secrets-run');
    // The run really used them: the API answered through the headers, the database through the password URL,
    // markers were written, and the probes against the closed port failed (their errors are in the report).
    expect(report.verdict, `${res.stdout}\n${res.stderr}`).toBe('fail');
    expect(res.code).toBe(1);
    expect(report.objectives.find((o) => o.name === 'availability(api, run)')?.pass).toBe(true);
    expect(report.objectives.find((o) => o.name === 'availability(gone, run)')?.pass).toBe(false);
    const rpo = report.measurements.rpo;
    expect(rpo && 'acknowledged' in rpo ? rpo.acknowledged : 0).toBeGreaterThan(0);
    expect(
      report.probes
        .find((p) => p.name === 'gonedb')
        ?.transitions.some((t) => !t.ok && /ECONNREFUSED/.test(t.detail ?? '')),
    ).toBe(true);
    expect(report.rollback).toMatchObject({ complete: true, failed: [] });
  }, 240_000);

  it('validate, plan (text and --json) and gameday report of the run print none of them, with GAMEDAY_DEBUG on', async () => {
    const file = join(dir, 'it-secrets-run.yaml');
    writeFileSync(file, RUN);
    const debug = { ...env(), GAMEDAY_DEBUG: '1' };
    const outputs: Array<{ path: string; text: string }> = [];
    for (const args of [
      ['validate', file],
      ['validate', '--json', file],
      ['plan', file],
      ['plan', file, '--json'],
    ]) {
      const res = await runCli(args, debug);
      expect(res.code, `${args.join(' ')}: ${res.stdout}\n${res.stderr}`).toBe(0);
      outputs.push(
        { path: `${args.join(' ')} stdout`, text: res.stdout },
        { path: `${args.join(' ')} stderr`, text: res.stderr },
      );
    }
    // The plan really was made from the scenario with its secrets: it names each probe and the load.
    expect(outputs.find((o) => o.path === `plan ${file} --json stdout`)?.text).toContain('gonedb: sql every 500ms');
    // A report written again from report.json (every format, report.html included) holds none either.
    const reportDir = join(dir, 'reports-run');
    const [run] = readdirSync(join(reportDir, 'it-secrets-run'));
    const runDir = join(reportDir, 'it-secrets-run', run as string);
    for (const args of [
      ['report', runDir],
      ['report', runDir, '--html'],
      ['report', runDir, '--json'],
    ]) {
      const res = await runCli(args, debug);
      outputs.push(
        { path: `${args.join(' ')} stdout`, text: res.stdout },
        { path: `${args.join(' ')} stderr`, text: res.stderr },
      );
    }
    expect(leaks([...outputs, ...filesUnder(runDir)]), 'secrets found').toEqual([]);
  }, 240_000);

  it('a restore drill from a database URL with a password', async () => {
    const { res, report } = await runAndCheck('drill', DRILL, 'it-secrets-drill');
    expect(report.verdict, `${res.stdout}\n${res.stderr}`).toBe('pass');
    expect(report.measurements.validations?.every((v) => v.pass)).toBe(true);
  }, 240_000);
});

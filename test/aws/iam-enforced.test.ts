// Least privilege that really holds: every AWS scenario runs through the real CLI as an IAM user holding
// exactly the harness policy `gameday iam` prints for it, on moto with IAM enforced; with one action taken
// out of that policy the same run fails, and the refusal reaches the user as a clear gameday error
// (AWS_ACCESS_DENIED, naming the call and the action; exit 3, or 4 when only the rollback needed it).
// What moto checks and what it does not is in test/aws/enforced.ts; the cases in enforced-cases.ts.
//
// The test tier removes a representative set of actions per scenario; `node bench/run.js iam` removes
// every action moto can refuse (GAMEDAY_IAM_ACTIONS=all) and prints the table.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsService } from '../../src/drivers/aws/types.js';
import { iamActionFor, type PolicyDocument } from '../../src/iam/index.js';
import type { Report } from '../../src/report/types.js';
import { pendingUndos, readJournal } from '../../src/runner/journal.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { runDirs } from '../helpers/reports.js';
import { enforcedCases, startWorld, type EnforcedCase, type World } from './enforced-cases.js';
import { checkable, harnessPolicy, principalEnv, runAsPrincipal, without } from './enforced.js';
import { startMotoForTests } from './moto.js';

const ALL = process.env['GAMEDAY_IAM_ACTIONS'] === 'all';
const RESULTS = process.env['GAMEDAY_IAM_RESULTS'];

interface Row {
  scenario: string;
  removed: string;
  code: number | null;
  verdict: string;
  refusal: string;
}
const rows: Row[] = [];

let world: World;
const root = mkdtempSync(join(tmpdir(), 'gameday-aws-enforced-'));

beforeAll(async () => {
  const moto = await startMotoForTests({ iam: true });
  world = await startWorld(moto, root);
}, 300_000);

afterAll(async () => {
  if (RESULTS) writeFileSync(RESULTS, JSON.stringify(rows, null, 1));
  console.log(
    ['scenario | removed action | exit | verdict | refusal', ...rows.map((r) => Object.values(r).join(' | '))].join(
      '\n',
    ),
  );
  await world?.close();
  await world?.moto.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

/** The one report under `dir`. */
function reportIn(dir: string): Report | undefined {
  for (const run of runDirs(dir)) {
    const file = join(run, 'report.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Report;
  }
  return undefined;
}

/** A fresh moto (the previous run's changes gone), the case's resources, one run as the principal. */
async function runCase(
  c: EnforcedCase,
  file: string,
  label: string,
  policyOf: (p: PolicyDocument) => PolicyDocument,
): Promise<{ r: CliResult; report: Report | undefined; policy: PolicyDocument }> {
  await world.moto.reset();
  const values = await c.resources(world);
  const env = c.env(world, values);
  const policy = await harnessPolicy(c.shipped, env);
  // The copy asks for the same permissions as the shipped file (checked once, with the whole policy).
  if (label === 'whole') expect(await harnessPolicy(file, env)).toEqual(policy);
  const dir = join(root, 'reports', c.shipped.replace(/\W+/g, '-'), label);
  const r = await runAsPrincipal(world.moto, policyOf(policy), [c.command, file, '--report-dir', dir], env);
  await resolveByHand(dir, env);
  return { r, report: reportIn(dir), policy };
}

/**
 * A run refused an action its own rollback needed leaves mutations pending, and gameday then refuses every
 * later run on that account and region until they are settled. The next case resets moto (the system put
 * back by hand), so record that as an operator would: `gameday rollback <run-dir> --resolved`.
 */
async function resolveByHand(dir: string, env: Record<string, string>): Promise<void> {
  for (const run of runDirs(dir)) {
    const journal = join(run, 'journal.ndjson');
    if (!existsSync(journal) || pendingUndos(readJournal(journal)).length === 0) continue;
    const res = await runCli(['rollback', run, '--resolved'], { ...env, ...principalEnv(world.moto.admin) });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
  }
}

const output = (r: CliResult): string => `${r.stdout}\n${r.stderr}`;

/**
 * Whether the output carries gameday's AWS_ACCESS_DENIED error for `action`: "AWS refused <service> <call>
 * (AccessDenied…): <what AWS said>", where AWS names the action, or the call is the one that needs it
 * (S3 says only "Access Denied").
 */
function refusedFor(text: string, action: string): boolean {
  for (const m of text.matchAll(/AWS refused ([a-z0-9-]+) (\w+) \((AccessDenied\w*|UnauthorizedOperation)\): (.*)/g)) {
    const [, service, command, , said] = m as unknown as [string, AwsService, string, string, string];
    if (said.includes(action) || iamActionFor({ service, command: `${command}Command` }) === action) return true;
  }
  return false;
}

for (const c of enforcedCases()) {
  describe(c.shipped, () => {
    let file: string;
    let actions: string[] = [];
    beforeAll(async () => {
      await c.start(world);
      file = c.copy(world);
    }, 120_000);
    afterAll(() => c.stop());

    it('passes as a principal holding exactly the harness policy `gameday iam` prints', async () => {
      const { r, report, policy } = await runCase(c, file, 'whole', (p) => p);
      expect(report?.verdict, output(r)).toBe(c.passing.verdict);
      expect(r.code, output(r)).toBe(c.passing.code);
      expect(output(r)).not.toMatch(/AccessDenied|internal error/);
      c.check?.(r, report as Report);
      actions = checkable(policy);
      rows.push({
        scenario: c.shipped,
        removed: '(none)',
        code: r.code,
        verdict: report?.verdict ?? '-',
        refusal: '-',
      });
    }, 180_000);

    it(`fails with AccessDenied as a gameday error when one action is missing (${ALL ? 'every action' : c.representative.join(', ')})`, async () => {
      const removed = ALL ? actions : c.representative;
      expect(removed.length).toBeGreaterThan(0);
      for (const action of removed) {
        expect(actions, `${action} is not in the policy`).toContain(action);
        const { r, report } = await runCase(c, file, `without-${action.replace(':', '-')}`, (p) => without(p, action));
        const text = output(r);
        const refused = refusedFor(text, action);
        rows.push({
          scenario: c.shipped,
          removed: action,
          code: r.code,
          verdict: report?.verdict ?? '-',
          refusal: refused ? `AWS_ACCESS_DENIED names ${action}` : 'none',
        });
        if (ALL) continue; // the bench reports; the test tier asserts
        expect(refused, text).toBe(true);
        expect([3, 4], text).toContain(r.code);
        expect(text).not.toMatch(/internal error|\n\s+at .*\(.*:\d+:\d+\)/);
      }
    }, 900_000);
  });
}

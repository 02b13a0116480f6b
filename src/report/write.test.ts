import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GamedayError } from '../errors.js';
import { REPORT_SCHEMA_ID } from './json.js';
import type { Report } from './types.js';
import { readReport, writeReportFiles } from './write.js';

const report: Report = {
  schemaVersion: 1,
  scenario: 'demo',
  runId: 'r1',
  startedAt: '2024-01-01T00:00:00.000Z',
  endedAt: '2024-01-01T00:00:10.000Z',
  verdict: 'fail',
  measurements: { rto: null, rpo: null, slos: [] },
  objectives: [
    {
      name: 'rto',
      target: '<= 1s',
      actual: '2.00s ± 100ms',
      pass: false,
      targetValue: 1000,
      actualValue: 2000,
      unit: 'ms',
    },
  ],
  timeline: [],
  probes: [],
  load: null,
  rollback: { complete: true, undone: 0, failed: [] },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<GamedayError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GamedayError);
  return error as GamedayError;
}

describe('writeReportFiles / readReport', () => {
  it('writes the four files into a new run directory and reads the report back', async () => {
    const runDir = join(dir, 'demo', 'r1');
    const paths = await writeReportFiles(runDir, report);
    expect(paths).toEqual({
      json: join(runDir, 'report.json'),
      junit: join(runDir, 'junit.xml'),
      markdown: join(runDir, 'summary.md'),
      html: join(runDir, 'report.html'),
    });
    expect((await readdir(runDir)).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'summary.md']);
    expect(await readReport(runDir)).toEqual({ ...report, $schema: REPORT_SCHEMA_ID });
    expect(await readFile(paths.junit, 'utf8')).toContain('<testcase classname="gameday.demo" name="rto"');
    expect(await readFile(paths.markdown, 'utf8')).toMatch(/^# FAIL: demo/);
    expect(await readFile(paths.html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*FAIL/);
  });

  it('replaces existing files and leaves no temporary files behind', async () => {
    await writeReportFiles(dir, report);
    await writeReportFiles(dir, { ...report, verdict: 'pass', objectives: [] });
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'summary.md']);
    expect((await readReport(dir)).verdict).toBe('pass');
  });

  it('accepts the path of report.json itself', async () => {
    const { json } = await writeReportFiles(dir, report);
    expect((await readReport(json)).runId).toBe('r1');
  });

  it('says REPORT_NOT_FOUND for a directory without a report', async () => {
    const e = await rejection(readReport(join(dir, 'missing')));
    expect(e).toMatchObject({ kind: 'invalid-input', code: 'REPORT_NOT_FOUND' });
    expect(e.message).toBe(`No report found at ${join(dir, 'missing', 'report.json')}`);
  });

  it('says REPORT_INVALID for malformed JSON', async () => {
    await writeFile(join(dir, 'report.json'), '{"schemaVersion": 1,');
    const e = await rejection(readReport(dir));
    expect(e).toMatchObject({ kind: 'invalid-input', code: 'REPORT_INVALID' });
    expect(e.message).toBe(`${join(dir, 'report.json')} is not valid JSON`);
  });

  it.each([
    ['[]', 'it is not a JSON object'],
    ['{}', 'schemaVersion is missing'],
    [JSON.stringify({ ...report, schemaVersion: 99 }), 'schemaVersion 99 is newer than this gameday understands (1)'],
    [JSON.stringify({ ...report, runId: 5 }), 'runId is missing or not a string'],
    [JSON.stringify({ ...report, verdict: 'maybe' }), 'verdict is not pass, fail, aborted or error'],
    [JSON.stringify({ ...report, measurements: {} }), 'measurements is missing or malformed'],
    [JSON.stringify({ ...report, timeline: null }), 'timeline is missing or not a list'],
    [JSON.stringify({ ...report, objectives: [{ name: 'x' }] }), 'objectives[0] has no name or pass'],
    [JSON.stringify({ ...report, rollback: { complete: 'yes', failed: [] } }), 'rollback is missing or malformed'],
  ])('says REPORT_INVALID for a JSON value that is not a report (%s)', async (text, why) => {
    await writeFile(join(dir, 'report.json'), text);
    const e = await rejection(readReport(dir));
    expect(e.code).toBe('REPORT_INVALID');
    expect(e.message).toBe(`${join(dir, 'report.json')} is not a gameday report: ${why}`);
  });
});

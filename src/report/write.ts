// Writing a run's report files and reading report.json back (for `gameday report <run-dir>`).

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GamedayError } from '../errors.js';
import { toJson } from './json.js';
import { toJunit } from './junit.js';
import { renderRunDirHtml } from './html/index.js';
import { toMarkdown } from './markdown.js';
import { REPORT_SCHEMA_VERSION, type Report } from './types.js';

export const REPORT_FILES = {
  json: 'report.json',
  junit: 'junit.xml',
  markdown: 'summary.md',
  html: 'report.html',
} as const;

export interface ReportPaths {
  json: string;
  junit: string;
  markdown: string;
  html: string;
}

/** Write `text` so readers see either the old file or the whole new one, never a partial write. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flush: true });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** report.html's text; a rendering problem becomes a page that says so, never a lost report.json. */
async function htmlText(runDir: string, report: Report): Promise<string> {
  try {
    return await renderRunDirHtml(runDir, report);
  } catch (error) {
    const why = String((error as Error)?.message ?? error).replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
    return `<!doctype html><meta charset="utf-8"><title>report</title><p>report.html could not be rendered: ${why}. Run <code>gameday report --html ${runDir.replace(/[&<>]/g, '')}</code> again; report.json and summary.md are complete.</p>\n`;
  }
}

/** Write report.json, junit.xml, summary.md and report.html into the run directory (created if missing). */
export async function writeReportFiles(runDir: string, report: Report): Promise<ReportPaths> {
  const paths: ReportPaths = {
    json: join(runDir, REPORT_FILES.json),
    junit: join(runDir, REPORT_FILES.junit),
    markdown: join(runDir, REPORT_FILES.markdown),
    html: join(runDir, REPORT_FILES.html),
  };
  const texts = { json: toJson(report), junit: toJunit(report), markdown: toMarkdown(report) };
  await mkdir(runDir, { recursive: true });
  // Why report.json last: its presence means the run's other report files are complete too.
  await writeAtomic(paths.junit, texts.junit);
  await writeAtomic(paths.markdown, texts.markdown);
  await writeAtomic(paths.html, await htmlText(runDir, report));
  await writeAtomic(paths.json, texts.json);
  return paths;
}

const VERDICTS: ReadonlySet<string> = new Set(['pass', 'fail', 'aborted', 'error']);

/** The first thing that keeps `value` from being a report this version can read, or undefined. */
function whyNotReport(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'it is not a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.schemaVersion !== 'number') return 'schemaVersion is missing';
  if (r.schemaVersion > REPORT_SCHEMA_VERSION) {
    return `schemaVersion ${r.schemaVersion} is newer than this gameday understands (${REPORT_SCHEMA_VERSION})`;
  }
  for (const key of ['scenario', 'runId', 'startedAt', 'endedAt'] as const) {
    if (typeof r[key] !== 'string') return `${key} is missing or not a string`;
  }
  if (typeof r.verdict !== 'string' || !VERDICTS.has(r.verdict)) return 'verdict is not pass, fail, aborted or error';
  const m = r.measurements;
  if (m === null || typeof m !== 'object' || !Array.isArray((m as Record<string, unknown>).slos)) {
    return 'measurements is missing or malformed';
  }
  for (const key of ['objectives', 'timeline', 'probes'] as const) {
    if (!Array.isArray(r[key])) return `${key} is missing or not a list`;
  }
  for (const [i, o] of (r.objectives as unknown[]).entries()) {
    const ob = o as Record<string, unknown> | null;
    if (ob === null || typeof ob !== 'object' || typeof ob.name !== 'string' || typeof ob.pass !== 'boolean') {
      return `objectives[${i}] has no name or pass`;
    }
  }
  const rb = r.rollback as Record<string, unknown> | null | undefined;
  if (rb === null || typeof rb !== 'object' || typeof rb.complete !== 'boolean' || !Array.isArray(rb.failed)) {
    return 'rollback is missing or malformed';
  }
  return undefined;
}

/** Read `<runDir>/report.json` (or a report.json path given directly); clear errors when missing or malformed. */
export async function readReport(runDir: string): Promise<Report> {
  let path = join(runDir, REPORT_FILES.json);
  const info = await stat(runDir).catch(() => undefined);
  if (info?.isFile()) path = runDir;

  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GamedayError(`No report found at ${path}`, {
      kind: 'invalid-input',
      code: 'REPORT_NOT_FOUND',
      hint: 'Pass the run directory that `gameday run` printed (it contains report.json).',
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GamedayError(`${path} is not valid JSON`, {
      kind: 'invalid-input',
      code: 'REPORT_INVALID',
      hint: 'The file may have been cut short or edited by hand; re-run the scenario to regenerate it.',
      cause: error,
    });
  }
  const why = whyNotReport(value);
  if (why !== undefined) {
    throw new GamedayError(`${path} is not a gameday report: ${why}`, {
      kind: 'invalid-input',
      code: 'REPORT_INVALID',
      hint: 'Check that the path points at a run directory written by gameday.',
    });
  }
  return value as Report;
}

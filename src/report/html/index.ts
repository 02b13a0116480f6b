// HTML reports: report.html for one run (charts from report.json plus samples.ndjson and load.ndjson when
// present) and a page for a list of runs. Self-contained: the charting library is inlined.

import { join } from 'node:path';
import type { Report } from '../types.js';
import { readEvidence } from './evidence.js';
import { renderReportHtml } from './report-page.js';

export { renderReportHtml } from './report-page.js';
export { renderRunsHtml, runPoint, type RunsPageEntry, type RunPoint } from './history.js';
export { readEvidence, EVIDENCE_FILES, type RunEvidence, type SampleLine, type LoadBucketLine } from './evidence.js';

export const REPORT_HTML = 'report.html';

/** report.html's text for the run in `runDir`, reading its evidence files when they exist. */
export async function renderRunDirHtml(runDir: string, report: Report): Promise<string> {
  return renderReportHtml(report, await readEvidence(runDir));
}

/** Where report.html goes in a run directory. */
export const htmlPath = (runDir: string): string => join(runDir, REPORT_HTML);

// report.html for one run: every section in reading order, assembled from report.json and the evidence.

import type { Report } from '../types.js';
import { pagePayload } from './data.js';
import { errorBudgetSection } from './error-budget.js';
import type { RunEvidence } from './evidence.js';
import { LATENCY_CLIENT, latencySection } from './latency.js';
import { k6Section } from './load.js';
import { eventsSection, notesSection } from './notes.js';
import { page } from './page.js';
import { podsSection } from './pods.js';
import { restoreSection } from './restore.js';
import { runbookSection } from './runbook.js';
import { sloSection } from './slo-table.js';
import { summarySection } from './summary.js';
import { THROUGHPUT_CLIENT, throughputSection } from './throughput.js';
import { TIMELINE_CLIENT, timelineSection } from './timeline.js';

const NO_EVIDENCE: RunEvidence = { samples: null, load: null, skipped: 0 };

/** The whole report.html for a run. Without evidence the charts fall back to report.json's own data. */
export function renderReportHtml(report: Report, evidence: RunEvidence = NO_EVIDENCE): string {
  const payload = pagePayload(report, evidence);
  const body = [
    summarySection(report),
    timelineSection(report, payload),
    latencySection(payload),
    throughputSection(report, payload),
    k6Section(report),
    sloSection(report),
    errorBudgetSection(report),
    podsSection(report),
    runbookSection(report),
    restoreSection(report),
    notesSection(report),
    eventsSection(report),
  ].filter((s) => s !== '');
  return page({
    title: `${report.verdict.toUpperCase()} ${report.scenario} ${report.runId}`,
    body: body.join('\n'),
    data: payload,
    scripts: [TIMELINE_CLIENT, LATENCY_CLIENT, THROUGHPUT_CLIENT],
  });
}

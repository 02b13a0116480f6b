// Reports: report.json, junit.xml, summary.md and report.html for a run, and reading report.json back.

export { toJson, stableJson, REPORT_SCHEMA_ID } from './json.js';
export { toJunit } from './junit.js';
export { toMarkdown, verdictLabel, formatOffset } from './markdown.js';
export { verdictTable, VERDICT_TABLE_HEADER } from './table.js';
export { writeAtomic, writeReportFiles, readReport, REPORT_FILES, type ReportPaths } from './write.js';
export {
  renderReportHtml,
  renderRunDirHtml,
  renderRunsHtml,
  readEvidence,
  EVIDENCE_FILES,
  REPORT_HTML,
  type RunsPageEntry,
} from './html/index.js';
export * from './types.js';

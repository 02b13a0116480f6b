// Types for bench/browser.js (plain ESM shared by tests and the bench).
import type { Browser } from 'puppeteer-core';

export const CHROMIUM: string;
export function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }>;
export interface ChartState {
  chart: string | null;
  attrs: Record<string, string | undefined>;
  canvases: number;
}
export interface OpenedReport {
  readyMs: number;
  renderMs: number;
  wallMs: number;
  verdict: string | null;
  charts: ChartState[];
  gantts: Array<{ name: string | null; bars: number }>;
  sections: string[];
  consoleErrors: string[];
  external: string[];
}
export function openReport(
  browser: Browser,
  htmlFile: string,
  opts?: { screenshot?: string; timeoutMs?: number; width?: number },
): Promise<OpenedReport>;

// Types for bench/html.js.
export const HTML_GOALS: { readyMs: number; sizeBytes: number };
export interface HtmlBenchResult {
  hours: number;
  intervalMs: number;
  probes: number;
  samplesPerProbe: number;
  drawnSamples: Record<string, number>;
  sizeBytes: number;
  nodeRenderMs: number;
  readyMs: number;
  wallMs: number;
  consoleErrors: string[];
}
export function benchHtml(opts?: {
  hours?: number;
  intervalMs?: number;
  probes?: number;
  keepDir?: string;
}): Promise<HtmlBenchResult>;
export function htmlBenchLines(m: HtmlBenchResult, goals?: { readyMs: number; sizeBytes: number }): string[];

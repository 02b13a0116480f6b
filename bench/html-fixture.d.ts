// Types for bench/html-fixture.js (plain ESM shared by tests and the bench).
import type { Report } from '../src/report/types.js';

export interface FixtureProbe {
  name: string;
  kind: string;
  outages: Array<[number, number]>;
}
export interface HtmlFixtureOptions {
  durationMs?: number;
  intervalMs?: number;
  probes?: FixtureProbe[];
  load?: { ratePerSec: number } | null;
  evidence?: boolean;
  faultAtMs?: number;
  startedAt?: string;
  runId?: string;
  scenario?: string;
  seed?: number;
  verdict?: string;
  notes?: Array<{ t: number; kind: string; message: string }>;
  measurements?: Record<string, unknown>;
  objectives?: Report['objectives'];
}
export interface HtmlFixture {
  runDir: string;
  report: Report;
  counts: Record<string, number>;
  failures: Record<string, number>;
  buckets: number;
  requests: number;
}
export function writeHtmlFixture(dir: string, options?: HtmlFixtureOptions): Promise<HtmlFixture>;

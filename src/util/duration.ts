// Durations, percentages and rates as they appear in scenarios, parsed in one place.

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parse "250ms", "30s", "1.5m", "2h" into milliseconds; returns undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : undefined;
}

/** Format milliseconds for people: "850ms", "12.3s", "4m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)}ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)}s`;
  if (a < 3_600_000) {
    const m = Math.floor(a / 60_000);
    const s = Math.floor((a % 60_000) / 1000);
    return `${sign}${m}m ${String(s).padStart(2, '0')}s`;
  }
  const h = Math.floor(a / 3_600_000);
  const m = Math.floor((a % 3_600_000) / 60_000);
  return `${sign}${h}h ${String(m).padStart(2, '0')}m`;
}

const PERCENT_RE = /^(\d+(?:\.\d+)?)%$/;

/** Parse "99.5%" into 99.5 (percent points); returns undefined when malformed. */
export function parsePercent(text: string): number | undefined {
  const m = PERCENT_RE.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}

const RATE_RE = /^(\d+(?:\.\d+)?)\/(s|m|h)$/;

/** Parse "200/s" or "60/m" into a rate per second; returns undefined when malformed. */
export function parseRate(text: string): number | undefined {
  const m = RATE_RE.exec(text.trim());
  if (!m) return undefined;
  const per = m[2] === 's' ? 1 : m[2] === 'm' ? 60 : 3600;
  return Number(m[1]) / per;
}

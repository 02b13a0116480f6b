import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvidenceFiles, sampleLine } from './evidence.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('evidence files', () => {
  it('writes one compact line per sample, ms since the run start, a redacted detail only on failures', () => {
    expect(
      sampleLine({ probe: 'api', t: 1234.5678, wallTime: 0, ok: true, latencyMs: 2.3456, detail: '200' }, 1000),
    ).toEqual({
      p: 'api',
      t: 234.6,
      ok: true,
      ms: 2.35,
    });
    expect(
      sampleLine(
        {
          probe: 'db',
          t: 1500,
          wallTime: 0,
          ok: false,
          latencyMs: 1000,
          detail: 'postgres://gameday:s3cret@h/db refused',
        },
        1000,
      ),
    ).toEqual({ p: 'db', t: 500, ok: false, ms: 1000, d: 'postgres://gameday:***@h/db refused' });
  });

  it('streams samples.ndjson and creates load.ndjson on first use', () => {
    dir = mkdtempSync(join(tmpdir(), 'gameday-evidence-'));
    const files = new EvidenceFiles(dir, 0);
    for (let i = 0; i < 5000; i++)
      files.sample({ probe: 'api', t: i * 100, wallTime: 0, ok: i % 2 === 0, latencyMs: 1 });
    files.load.write({ t: 0, n: 0, errors: 0 });
    files.close();
    const lines = readFileSync(join(dir, 'samples.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5000);
    expect(JSON.parse(lines[4999] as string)).toEqual({ p: 'api', t: 499_900, ok: false, ms: 1 });
    expect(readFileSync(join(dir, 'load.ndjson'), 'utf8')).toBe('{"t":0,"n":0,"errors":0}\n');
  });
});

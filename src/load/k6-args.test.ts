import { describe, expect, it } from 'vitest';
import { k6RunArgs } from './k6-args.js';
import { k6Env, parseK6Version, versionBelow } from './k6-binary.js';
import { k6ErrorLine, parseInspection } from './k6-inspect.js';
import { thresholdValue } from './k6-run.js';

describe('the k6 command line', () => {
  const load = { engine: 'k6' as const, script: '/s/t.js', env: { RATE: '5', SANDBOX_API_URL: 'http://x' } };

  it('never sends usage reports, puts the REST API on loopback and the samples into the run directory', () => {
    const args = k6RunArgs(
      load,
      { SANDBOX_API_URL: 'http://sandbox', SANDBOX_URL: 'http://c' },
      {
        address: '127.0.0.1:6565',
        ndjson: '/run/k6.ndjson',
        summary: '/run/k6-summary.json',
      },
    );
    expect(args[0]).toBe('run');
    expect(args).toContain('--no-usage-report');
    expect(args.join(' ')).toContain(
      '--address 127.0.0.1:6565 --out json=/run/k6.ndjson --summary-export /run/k6-summary.json',
    );
    // load.k6.env wins over the runtime variables of the same name.
    expect(args.join(' ')).toContain('-e SANDBOX_API_URL=http://x -e SANDBOX_URL=http://c -e RATE=5');
    expect(args.at(-1)).toBe('/s/t.js');
    expect(k6Env({ PATH: '/bin' })).toEqual({ PATH: '/bin', K6_NO_USAGE_REPORT: 'true' });
  });

  it('passes the overrides as k6 flags', () => {
    const args = k6RunArgs(
      { ...load, vus: 3, stages: [{ duration: '5s', target: 10 }] },
      {},
      {
        address: 'a',
        ndjson: 'n',
        summary: 's',
      },
    );
    expect(args.join(' ')).toContain('--vus 3 --stage 5s:10');
  });
});

describe('k6 versions, inspection and errors', () => {
  it('reads the version and compares it', () => {
    expect(parseK6Version('k6 v1.1.0 (commit/0e3fb953be, go1.24.4, linux/amd64)')).toBe('1.1.0');
    expect(versionBelow('0.49.9', '0.50.0')).toBe(true);
    expect(versionBelow('1.1.0', '0.50.0')).toBe(false);
  });

  it('parses k6 inspect --execution-requirements', () => {
    const i = parseInspection(
      JSON.stringify({
        vus: 2,
        duration: '3s',
        scenarios: { default: { executor: 'constant-vus' } },
        thresholds: { http_req_duration: ['p(95)<500'] },
        totalDuration: '33s',
        maxVUs: 2,
      }),
    );
    expect(i).toMatchObject({ vus: 2, maxVUs: 2, totalDuration: '33s', scenarios: { default: 'constant-vus' } });
    expect(i.thresholds).toEqual({ http_req_duration: ['p(95)<500'] });
  });

  it("takes k6's own error message out of its log line, redacted", () => {
    const stderr =
      'time="x" level=info msg="starting"\ntime="y" level=error msg="SyntaxError: file:///s/t.js: Unexpected token (1:27) at postgres://u:secret@db/x"';
    expect(k6ErrorLine(stderr)).toBe('SyntaxError: file:///s/t.js: Unexpected token (1:27) at postgres://u:***@db/x');
  });

  it('finds the summary value a threshold is judged on', () => {
    const m = { 'p(95)': 12.5, value: 0.01, avg: 3, count: 9 };
    expect(thresholdValue(m, 'p(95)<500')).toBe(12.5);
    expect(thresholdValue(m, 'rate<0.05')).toBe(0.01);
    expect(thresholdValue(m, 'avg < 10')).toBe(3);
    expect(thresholdValue(m, 'p(99)<1')).toBeNull();
  });
});

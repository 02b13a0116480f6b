import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memorySaverSupported, startMemorySaver } from './memory-saver.js';

const MB = 1048576;

/** A saver driven by hand: RSS is whatever the test sets, flags are recorded. */
function driven(opts: { highMb?: number; lowMb?: number } = {}) {
  let rssMb = 50;
  const flags: string[] = [];
  const saver = startMemorySaver({
    ...opts,
    intervalMs: 3_600_000,
    rss: () => rssMb * MB,
    setFlags: (f) => flags.push(f),
  });
  if (!saver) throw new Error('a saver with a flag setter always starts');
  return {
    saver,
    flags,
    at(mb: number) {
      rssMb = mb;
      saver.check();
    },
  };
}

describe('startMemorySaver', () => {
  it('switches memory saver on above highMb and off below lowMb, not in between', () => {
    const d = driven({ highMb: 160, lowMb: 128 });
    expect(d.flags).toEqual([]);
    d.at(159);
    expect(d.saver.active).toBe(false);
    d.at(161);
    expect(d.flags).toEqual(['--memory-saver-mode']);
    expect(d.saver.active).toBe(true);
    // Between the thresholds it stays as it is: no flapping around one value.
    d.at(140);
    d.at(170);
    d.at(129);
    expect(d.flags).toEqual(['--memory-saver-mode']);
    d.at(127);
    expect(d.flags).toEqual(['--memory-saver-mode', '--no-memory-saver-mode']);
    expect(d.saver.active).toBe(false);
    d.at(140);
    expect(d.saver.active).toBe(false);
    d.at(200);
    expect(d.saver.switchedOn).toBe(2);
    d.saver.stop();
  });

  it('checks at once when started, and stop() leaves memory saver off', () => {
    let flags: string[] = [];
    const saver = startMemorySaver({ intervalMs: 3_600_000, rss: () => 500 * MB, setFlags: (f) => flags.push(f) });
    expect(flags).toEqual(['--memory-saver-mode']);
    saver?.stop();
    expect(flags).toEqual(['--memory-saver-mode', '--no-memory-saver-mode']);
    flags = [];
    saver?.check();
    expect(saver?.active).toBe(true);
  });

  it('runs one full collection each time it goes on, none when it goes off', () => {
    let rssMb = 300;
    let collections = 0;
    const saver = startMemorySaver({
      intervalMs: 3_600_000,
      rss: () => rssMb * MB,
      setFlags: () => undefined,
      collect: () => (collections += 1),
    });
    expect(collections).toBe(1);
    saver?.check();
    expect(collections).toBe(1);
    rssMb = 100;
    saver?.check();
    expect(collections).toBe(1);
    rssMb = 300;
    saver?.check();
    expect(collections).toBe(2);
    saver?.stop();
    expect(collections).toBe(2);
  });

  it('refuses thresholds that leave no room between them', () => {
    expect(() => startMemorySaver({ highMb: 100, lowMb: 100, setFlags: () => undefined })).toThrow(/lowMb/);
  });

  it('knows which Nodes have the flag: 24 and later, not 22', () => {
    expect(memorySaverSupported('22.12.0')).toBe(false);
    expect(memorySaverSupported('23.11.1')).toBe(false);
    expect(memorySaverSupported('24.0.0')).toBe(true);
    expect(memorySaverSupported('26.1.0')).toBe(true);
  });

  it('on this Node, switched on at runtime, V8 keeps the heap of a churning process smaller', () => {
    // A child process: the flag is process-wide. The same churn (a changing set of 20,000 pod-like
    // objects, as watch events replace them) with the saver on from a low threshold, and never on.
    // Node 24 runs the TypeScript source itself (type stripping).
    const module = fileURLToPath(new URL('./memory-saver.ts', import.meta.url));
    const script = (on: boolean) => `
      const { startMemorySaver } = await import(${JSON.stringify(module)});
      const saver = startMemorySaver(${on ? '{ highMb: 1, lowMb: 0 }' : '{ setFlags: () => undefined }'});
      const keep = new Map();
      let peak = 0;
      for (let i = 0; i < 80000; i++) {
        keep.set(i % 20000, JSON.parse(JSON.stringify({ metadata: { name: 'pod-' + i, uid: 'u' + i },
          spec: { env: Array.from({ length: 8 }, (_, k) => ({ name: 'E' + k, value: 'v'.repeat(40) })) } })));
        if (i % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
      }
      console.log(JSON.stringify({ active: saver.active, peakHeapMb: peak / 1048576 }));
      saver.stop();`;
    const run = (on: boolean) => {
      const r = spawnSync(process.execPath, ['--max-semi-space-size=16', '--input-type=module', '-e', script(on)], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim()) as { active: boolean; peakHeapMb: number };
    };
    expect(memorySaverSupported(), `this test runs on the project's Node 24, found ${process.version}`).toBe(true);
    const on = run(true);
    const off = run(false);
    expect(on.active).toBe(true);
    expect(off.active).toBe(false);
    // Measured on Node 24.21: about 40 MB of heap with the saver on, 120–150 MB without.
    expect(on.peakHeapMb).toBeLessThan(off.peakHeapMb * 0.6);
  }, 60_000);
});

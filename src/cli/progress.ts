// Live progress on the console: phase, probe health, load rate and time left.

import type { Reporter, RunEvent } from '../runner/events.js';
import { formatDuration } from '../util/duration.js';
import type { CliIo } from './io.js';

interface ProbeState {
  ok: boolean;
  detail: string;
  good: number;
  all: number;
}

/** A reporter that prints the run as it happens. `timeoutMs` is the run's global time limit. */
export function consoleProgress(io: CliIo, opts: { timeoutMs: number; quiet: boolean }): Reporter {
  const probes = new Map<string, ProbeState>();
  let phase = 'start';
  let startT = 0;
  let load = '';
  let lastLine = 0;
  let lastPlain = 0;

  const statusLine = (t: number): string => {
    const health = [...probes.entries()]
      .map(
        ([name, p]) =>
          `${name} ${p.ok ? 'ok' : 'FAIL'} ${p.all ? ((p.good / p.all) * 100).toFixed(1) : '-'}%${p.detail ? ` (${p.detail})` : ''}`,
      )
      .join(' · ');
    const left = Math.max(0, opts.timeoutMs - (t - startT));
    return `[${formatDuration(t - startT)}] ${phase}${health ? ` | ${health}` : ''}${load ? ` | ${load}` : ''} | time left ${formatDuration(left)}`;
  };

  const onEvent = (e: RunEvent): void => {
    if (opts.quiet) return;
    switch (e.kind) {
      case 'run-start':
        startT = e.t;
        io.err(`gameday: running ${e.scenario} (run ${e.runId})`);
        io.err(`  reports: ${e.runDir}`);
        return;
      case 'phase':
        phase = e.phase;
        io.err(`  ${formatDuration(e.t - startT).padStart(8)}  ${e.phase}${e.detail ? `: ${e.detail}` : ''}`);
        return;
      case 'step-start':
        io.err(`  ${formatDuration(e.t - startT).padStart(8)}  step ${e.index + 1}: ${e.name}`);
        return;
      case 'step-end':
        io.err(
          `  ${formatDuration(e.t - startT).padStart(8)}  step ${e.index + 1} ${e.status}${e.detail ? `: ${e.detail}` : ''}`,
        );
        return;
      case 'fault-injected':
        io.err(`  ${formatDuration(e.t - startT).padStart(8)}  fault ${e.fault} injected (t0): ${e.detail}`);
        return;
      case 'undo':
        io.err(
          `  ${formatDuration(e.t - startT).padStart(8)}  undo ${e.id} ${e.status}${e.detail ? `: ${e.detail}` : ''}`,
        );
        return;
      case 'abort':
        io.err(`  ${formatDuration(e.t - startT).padStart(8)}  ABORT: ${e.reason}`);
        return;
      case 'log':
        io.err(
          `  ${formatDuration(e.t - startT).padStart(8)}  ${e.level === 'info' ? '' : `${e.level}: `}${e.message}`,
        );
        return;
      case 'load-progress':
        // k6 reports no target rate (its executors set the pace).
        load = `load ${e.ratePerSec.toFixed(0)}/s${e.targetRatePerSec > 0 ? ` of ${e.targetRatePerSec.toFixed(0)}/s` : ''}, ${e.errors} errors`;
        return;
      case 'sample': {
        const s = e.sample;
        const p = probes.get(s.probe) ?? { ok: true, detail: '', good: 0, all: 0 };
        p.ok = s.ok;
        p.detail = s.ok ? '' : (s.detail ?? '').slice(0, 40);
        p.all += 1;
        if (s.ok) p.good += 1;
        probes.set(s.probe, p);
        if (io.tty && s.t - lastLine > 200) {
          lastLine = s.t;
          io.status(statusLine(s.t));
        } else if (!io.tty && s.t - lastPlain > 5000) {
          lastPlain = s.t;
          io.err(`  ${statusLine(s.t)}`);
        }
        return;
      }
      case 'run-end':
        return;
    }
  };
  return { onEvent };
}

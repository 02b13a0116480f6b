// V8's memory saver, switched on while the process is large. Node 24's V8 lets the old generation grow
// to several times what the last full collection kept; at 5,000 pods that garbage, not live data, made
// the harness's peak RSS tens of MB higher than on Node 20. In memory saver mode V8 collects earlier and
// compacts, at a CPU cost that grows with the allocation rate: always on, it cost the load generator about
// 30 % of its top rate. So it is on only above `highMb` of RSS (192: above what the load generator at full
// speed reaches) and off again below `lowMb`; a small process never pays for it.
// The V8 flag exists from Node 24 on (Node 22 rejects it); older Nodes get no watcher.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemorySaverOptions {
  /** Switch memory saver on when RSS goes above this many MB (default 192). */
  highMb?: number;
  /** … and off again below this many MB (default 160). */
  lowMb?: number;
  /**
   * How often RSS is read (default 1 s). Polling costs an idle process 0.06 % of a core at 1 s, 0.3 % at
   * 100 ms; faster polling did not lower the peak at 5,000 pods (a burst crosses the threshold between two
   * reads either way).
   */
  intervalMs?: number;
  /** Seams for tests: the RSS reading in bytes, and the V8 flag setter. */
  rss?: () => number;
  setFlags?: (flags: string) => void;
  /** A full collection, run once each time memory saver goes on. */
  collect?: () => void;
  /** Called on each switch, e.g. for GAMEDAY_DEBUG. */
  onSwitch?: (on: boolean, rssMb: number) => void;
}

export interface MemorySaver {
  /** The thresholds in use, MB of RSS. */
  readonly highMb: number;
  readonly lowMb: number;
  /** Whether memory saver mode is on now. */
  readonly active: boolean;
  /** Times it was switched on. */
  readonly switchedOn: number;
  /** Read RSS once and switch if a threshold was crossed (the timer calls this). */
  check(): void;
  /** Stop watching and leave memory saver off. */
  stop(): void;
}

/**
 * One full collection now. V8 applies memory saver's tighter limits at its next full collection, which a
 * heap that just grew may not need for a while; this makes it happen at once. A pause of tens of ms, once
 * per switch. `gc` is exposed in a fresh context only. (Its effect on the peak at 5,000 pods was not
 * measured apart from the thresholds'.)
 */
function collectNow(): void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') (gc as () => void)();
}

/** Whether this Node's V8 has `--memory-saver-mode` (Node 24 and later). */
export function memorySaverSupported(nodeVersion: string = process.versions.node): boolean {
  return Number(nodeVersion.split('.')[0]) >= 24;
}

/**
 * Watch RSS and keep V8's memory saver on while it is above `highMb`. The timer is unref'd: it never keeps
 * the process alive. Returns undefined on a Node without the flag.
 */
export function startMemorySaver(opts: MemorySaverOptions = {}): MemorySaver | undefined {
  if (!opts.setFlags && !memorySaverSupported()) return undefined;
  const highMb = opts.highMb ?? 192;
  const lowMb = opts.lowMb ?? 160;
  if (!(lowMb < highMb)) throw new RangeError(`memory saver: lowMb (${lowMb}) must be below highMb (${highMb})`);
  const rss = opts.rss ?? (() => process.memoryUsage.rss());
  const setFlags = opts.setFlags ?? setFlagsFromString;
  const collect = opts.collect ?? (opts.setFlags ? () => undefined : collectNow);
  let active = false;
  let switchedOn = 0;
  const set = (on: boolean, mb: number): void => {
    setFlags(on ? '--memory-saver-mode' : '--no-memory-saver-mode');
    active = on;
    if (on) {
      switchedOn += 1;
      collect();
    }
    opts.onSwitch?.(on, mb);
  };
  const check = (): void => {
    const mb = rss() / 1048576;
    if (!active && mb > highMb) set(true, mb);
    else if (active && mb < lowMb) set(false, mb);
  };
  const timer = setInterval(check, opts.intervalMs ?? 1000);
  timer.unref();
  check();
  return {
    highMb,
    lowMb,
    get active() {
      return active;
    },
    get switchedOn() {
      return switchedOn;
    },
    check,
    stop() {
      clearInterval(timer);
      if (active) set(false, rss() / 1048576);
    },
  };
}

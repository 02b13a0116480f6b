// The run's memory: probe samples per probe, the event timeline, and listeners waiting on samples.

import type { ProbeSample } from '../probes/types.js';
import type { TimelineEntry } from '../report/types.js';
import type { Clock } from '../util/clock.js';
import { emit, type Reporter, type RunEvent } from './events.js';

type SampleListener = (sample: ProbeSample) => void;

/** Collects everything a run observes; measurement reads it afterwards. */
export class RunRecorder {
  readonly samples = new Map<string, ProbeSample[]>();
  readonly timeline: TimelineEntry[] = [];
  private readonly listeners = new Set<SampleListener>();

  constructor(
    readonly clock: Clock,
    private readonly reporters: readonly Reporter[],
  ) {}

  /** Record an event on the timeline and pass it to reporters. */
  event(event: RunEvent, timelineMessage?: string): void {
    if (timelineMessage !== undefined && 't' in event) {
      this.timeline.push({
        t: event.t,
        at: new Date(this.clock.wall(event.t)).toISOString(),
        kind: event.kind,
        message: timelineMessage,
      });
    }
    emit(this.reporters, event);
  }

  /** Note something on the timeline at the current time. */
  note(kind: string, message: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    const t = this.clock.now();
    this.timeline.push({ t, at: new Date(this.clock.wall(t)).toISOString(), kind, message });
    emit(this.reporters, { kind: 'log', t, level, message });
  }

  sample(sample: ProbeSample): void {
    let list = this.samples.get(sample.probe);
    if (!list) {
      list = [];
      this.samples.set(sample.probe, list);
    }
    list.push(sample);
    emit(this.reporters, { kind: 'sample', sample });
    for (const l of this.listeners) l(sample);
  }

  /** Resolve with the first sample of `probe` started at or after `fromT` that satisfies `accept`. */
  waitForSample(
    probe: string,
    fromT: number,
    accept: (s: ProbeSample) => boolean,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<ProbeSample | undefined> {
    return new Promise((resolve, reject) => {
      const done = (value: ProbeSample | undefined, error?: unknown): void => {
        this.listeners.delete(listener);
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (error !== undefined) reject(error);
        else resolve(value);
      };
      const listener: SampleListener = (s) => {
        if (s.probe === probe && s.t >= fromT && accept(s)) done(s);
      };
      const onAbort = (): void => done(undefined, signal.reason);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      if (signal.aborted) {
        done(undefined, signal.reason);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.listeners.add(listener);
    });
  }
}

// summary.md's timeline: the plan is listed once (under Plan), not as a row per line before the steps that
// repeat it, and an event's kind is not repeated when its message already starts with it. A repair made
// before the run is under Rollback.

import { describe, expect, it } from 'vitest';
import { toMarkdown } from './markdown.js';
import type { Report } from './types.js';

const at = '2026-01-01T00:00:00.000Z';
const report: Report = {
  schemaVersion: 1,
  scenario: 'demo',
  runId: 'r1',
  startedAt: at,
  endedAt: at,
  verdict: 'pass',
  measurements: { rto: null, rpo: null, slos: [] },
  objectives: [],
  timeline: [
    { t: 0, at, kind: 'phase', message: 'phase plan' },
    { t: 1, at, kind: 'plan', message: 'targets:' },
    { t: 1, at, kind: 'plan', message: '  sandbox: 6/6 replicas ready' },
    { t: 1, at, kind: 'plan', message: 'steps:' },
    { t: 1, at, kind: 'plan', message: '  1. pod-kill #1: kill 2 of 6 replicas' },
    { t: 2, at, kind: 'plan', message: 'seed 42 (gameday run --seed 42 makes the same choices)' },
    { t: 3, at, kind: 'step-start', message: 'step 1 pod-kill #1 started' },
  ],
  probes: [],
  load: null,
  rollback: { complete: true, undone: 0, failed: [] },
};

describe('summary.md timeline', () => {
  it('lists the plan once and folds its lines into one timeline row', () => {
    const md = toMarkdown(report);
    const plan = md.slice(md.indexOf('## Plan'), md.indexOf('## Timeline'));
    expect(plan).toContain('  1. pod-kill #1: kill 2 of 6 replicas');
    expect(plan).toContain('seed 42');
    const timeline = md.slice(md.indexOf('## Timeline'));
    expect(timeline).not.toContain('kill 2 of 6 replicas');
    expect(timeline.match(/plan made \(see Plan\)/g)).toHaveLength(1);
    expect(timeline).toContain('| phase plan |');
    expect(timeline).not.toContain('phase: phase');
    expect(timeline).toContain('step-start: step 1 pod-kill #1 started');
  });

  it('says under Rollback which gone run was rolled back before this one, and how that ended', () => {
    const repaired: Report = {
      ...report,
      repairs: [
        {
          key: 'kubernetes:https://k',
          runId: 'r0',
          host: 'runner-7',
          since: at,
          renewedAt: at,
          journal: 'reports/demo/r0',
          undone: 2,
          complete: false,
          failed: [{ id: 'm3', error: 'timeout' }],
        },
      ],
    };
    const rollback = toMarkdown(repaired).slice(toMarkdown(repaired).indexOf('## Rollback'));
    expect(rollback).toContain('the gone run `r0` (on runner-7, last renewed 2026-01-01T00:00:00.000Z)');
    expect(rollback).toContain('rolled back from `reports/demo/r0`: 2 undo step(s) done, **1 failed**.');
    expect(toMarkdown(report)).not.toContain('Before this run');
  });
});

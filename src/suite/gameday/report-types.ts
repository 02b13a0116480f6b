// gameday.json — a game day's report: per-item results, hypotheses, notes and checkpoints on one
// timeline, the score, and a retro section to paste into a document.

import type {
  CheckpointOutcome,
  NoteEntry,
  NotificationResult,
  ObjectiveResult,
  RunChoice,
  TimelineEntry,
} from '../../report/types.js';
import type { Verdict } from '../../runner/events.js';
import type { RunMetrics } from '../../history/metrics.js';

export const GAMEDAY_REPORT_VERSION = 1;

export type ItemStatus = 'pass' | 'fail' | 'aborted' | 'error' | 'skipped';

export interface GameDayItemResult {
  name: string;
  kind: 'run' | 'drill' | 'checkpoint';
  status: ItemStatus;
  /** One line: why it ended as it did. */
  detail: string;
  weight: number;
  /** Scenario items. */
  file?: string;
  scenario?: string;
  runId?: string;
  /** The seed the item ran with (the game day's seed + its position), as in its report.json. */
  seed?: number;
  /** What the item's faults chose, as in its report.json. */
  choices?: RunChoice[];
  /** The item's run directory (its own report.json, junit.xml, summary.md). */
  runDir?: string;
  exitCode?: number;
  score?: number;
  metrics?: RunMetrics;
  objectives?: ObjectiveResult[];
  startedAt?: string;
  endedAt?: string;
  /** Checkpoint items. */
  checkpoint?: CheckpointOutcome;
}

export interface HypothesisResult {
  id: string;
  statement: string;
  /** confirmed: every objective it rests on held; refuted: one did not; not-tested: its items did not all run. */
  status: 'confirmed' | 'refuted' | 'not-tested';
  evidence: string[];
}

export interface Retro {
  whatHappened: string[];
  surprises: string[];
  actionItems: string[];
}

export interface GameDayReport {
  schemaVersion: number;
  kind: 'GameDay';
  gameday: string;
  description?: string;
  file: string;
  runId: string;
  /** Seed of the game day: `gameday run <file> --seed N` repeats its choices; item k (scenarios and drills) got N + k. Absent in older reports. */
  seed?: number;
  startedAt: string;
  endedAt: string;
  verdict: Verdict;
  reason?: string;
  exitCode: number;
  roles: { facilitator?: string; scribe?: string; observers: string[] };
  links: Array<{ title: string; url: string }>;
  /** Weighted mean of the items' scores (src/history/score.ts). */
  score: number;
  /** The previous run of this game day, for the trend. */
  previous?: { runId: string; score: number; verdict: Verdict };
  items: GameDayItemResult[];
  hypotheses: HypothesisResult[];
  notes: NoteEntry[];
  checkpoints: CheckpointOutcome[];
  timeline: TimelineEntry[];
  retro: Retro;
  notifications?: NotificationResult[];
}

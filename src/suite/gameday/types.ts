// A resolved game day: its items with their scenarios loaded, hypotheses, roles and links.

import type { Scenario } from '../../scenario/types.js';
import type { ResolvedCheckpoint, ResolvedNotifyTarget } from '../../scenario/types-gameday.js';

export interface GameDayRunItem {
  kind: 'run' | 'drill';
  /** Unique within the game day: the item's `name`, else its scenario's name. */
  name: string;
  /** Absolute path of the scenario file. */
  file: string;
  scenario: Scenario;
  continueOnFail: boolean;
  weight: number;
  /** The variables the game day gave this item (its own over the game day's). */
  variables: Record<string, string>;
}

export interface GameDayCheckpointItem extends ResolvedCheckpoint {
  kind: 'checkpoint';
  name: string;
}

export type GameDayItem = GameDayRunItem | GameDayCheckpointItem;

export interface GameDayHypothesis {
  id: string;
  statement: string;
  /** Item names that confirm or refute it. */
  items: string[];
  /** Only these objectives (by report name); absent: all of them. */
  objectives?: string[];
}

export interface GameDay {
  name: string;
  description?: string;
  /** Absolute path of the game day file. */
  file: string;
  roles: { facilitator?: string; scribe?: string; observers: string[] };
  links: Array<{ title: string; url: string }>;
  hypotheses: GameDayHypothesis[];
  items: GameDayItem[];
  notify?: ResolvedNotifyTarget[];
}

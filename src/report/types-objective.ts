// report.json: what an objective's samples can and cannot tell (statistical honesty).

/** How much the samples behind an objective support its verdict. */
export interface ObjectiveEvidence {
  /** Samples (or requests) the value was computed from. */
  samples: number;
  /** 95 % confidence interval (Wilson score) of a proportion, percent; for availability and error rates. */
  interval95?: { low: number; high: number };
  /** False when the samples cannot tell a pass from a fail, or a percentile is only the largest sample. */
  conclusive: boolean;
  /** Why, in words: "p99 of 16 samples is their maximum, not a p99". */
  note?: string;
}

// Terminal sparklines for trends: one block character per run, scaled between the series' min and max.

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** A sparkline of `values` (oldest first); a run without the value is a gap (" "). */
export function sparkline(values: ReadonlyArray<number | undefined>): string {
  const present = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (present.length === 0) return ' '.repeat(values.length);
  const min = Math.min(...present);
  const max = Math.max(...present);
  return values
    .map((v) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return ' ';
      if (max === min) return BLOCKS[3];
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(((v - min) / (max - min)) * BLOCKS.length))];
    })
    .join('');
}

// Words for people: "did you mean …?" suggestions and short descriptions of YAML values.

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest candidate to `word`, when it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** `did you mean "x"? ` or nothing; meant to prefix a hint. */
export function didYouMeanPrefix(word: string, candidates: readonly string[]): string {
  const guess = didYouMean(word, candidates);
  return guess === undefined ? '' : `did you mean "${guess}"? `;
}

/** `a, b, c` */
export function list(items: readonly string[]): string {
  return items.join(', ');
}

/** `"a", "b", "c"` */
export function quotedList(items: readonly unknown[]): string {
  return items.map((i) => JSON.stringify(i)).join(', ');
}

/** Describe a value as found in the YAML: `the string "two"`, `the number 5`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `the string ${JSON.stringify(truncate(value))}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const UNIT_WORDS: Array<[RegExp, string]> = [
  [/^(milliseconds?|millis?|msecs?)$/, 'ms'],
  [/^(seconds?|secs?|sec)$/, 's'],
  [/^(minutes?|mins?)$/, 'm'],
  [/^(hours?|hrs?|hr)$/, 'h'],
];

/** A corrected duration for common near-misses ("5 minutes" → "5m", "1 s" → "1s"), if any. */
export function fixDuration(text: string): string | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  if (['ms', 's', 'm', 'h'].includes(unit)) return `${m[1]}${unit}`;
  for (const [re, short] of UNIT_WORDS) if (re.test(unit)) return `${m[1]}${short}`;
  return undefined;
}

/** Milliseconds in the unit a scenario author would write: 120000 → "2m", 1500 → "1500ms". */
export function compactDuration(ms: number): string {
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

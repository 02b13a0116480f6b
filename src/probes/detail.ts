// Short, secret-free descriptions of check outcomes shared by the probe kinds.

/** The most useful short name for a failure: a system or library error code when there is one, else the message. */
export function errorCode(error: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; errors?: unknown; cause?: unknown; name?: unknown; message?: unknown };
    if (typeof e.code === 'string' && e.code !== '') return e.code;
    // Happy-eyeballs connects fail with an AggregateError whose members carry the code.
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      current = e.errors[0];
      continue;
    }
    if (e.cause !== undefined) {
      current = e.cause;
      continue;
    }
    if (e.name === 'AbortError') return 'aborted';
    return typeof e.message === 'string' && e.message !== '' ? truncate(e.message, 200) : String(e.name ?? 'error');
  }
  return truncate(String(error), 200);
}

/** Cut a string to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The first non-empty line of some output, trimmed and cut to `max` characters. */
export function firstLine(text: string, max = 200): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return truncate(line.trim(), max);
}

/** Round a millisecond reading for details: whole ms above 10 ms, one decimal below. */
export function ms(value: number): string {
  return value >= 10 ? `${Math.round(value)}ms` : `${Math.round(value * 10) / 10}ms`;
}

/** A promise that settles (never rejects) when the signal aborts; for racing checks that ignore their signal. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

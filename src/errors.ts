// Every error gameday raises has a stable code, a message that says what to do, and a cause.

export type ErrorKind = 'invalid-input' | 'usage' | 'runtime' | 'aborted' | 'rollback-incomplete';

export interface GamedayErrorOptions {
  kind: ErrorKind;
  code: string;
  hint?: string;
  cause?: unknown;
  /** Lifecycle phase, for errors raised while running (e.g. "inject", "rollback"). */
  phase?: string;
  /** What was being acted on, e.g. "sandbox replica api-a-1". */
  target?: string;
}

/** Base error: carries a stable `code` and a `kind` that the CLI maps to an exit code. */
export class GamedayError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint?: string;
  readonly phase?: string;
  readonly target?: string;

  constructor(message: string, options: GamedayErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GamedayError';
    this.kind = options.kind;
    this.code = options.code;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.phase !== undefined) this.phase = options.phase;
    if (options.target !== undefined) this.target = options.target;
  }
}

/** True for errors raised by gameday itself (as opposed to bugs or library errors). */
export function isGamedayError(error: unknown): error is GamedayError {
  return error instanceof GamedayError;
}

/** A short one-line description of any thrown value, following `cause` chains. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = (current as Error & { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  // A message that already quotes its cause's (AWS_ACCESS_DENIED quotes what AWS said) is not repeated.
  return parts.filter((p, i) => !parts.slice(0, i).some((earlier) => earlier.includes(p))).join(': ');
}

/** describeError, then what to do about it when the error says (a GamedayError's hint): for run timelines and reports. */
export function describeErrorWithHint(error: unknown): string {
  const text = describeError(error);
  return error instanceof GamedayError && error.hint ? `${text} (what to do: ${error.hint})` : text;
}

// AWS refusing a call for want of a permission, as one gameday error that says what to do: which call, what
// AWS said (it names the principal and the action), and where the policy that grants it comes from.

import { GamedayError } from '../../errors.js';
import type { AwsService } from './types.js';

/** Error codes AWS services answer a call the caller's policies do not allow with. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);

/** The gameday error for `error` when it is an AWS permission refusal, else undefined. */
export function accessDenied(
  error: unknown,
  service: AwsService,
  command: string | undefined,
): GamedayError | undefined {
  const e = error as { name?: unknown; Code?: unknown; message?: unknown } | null;
  const code = typeof e?.name === 'string' ? e.name : typeof e?.Code === 'string' ? e.Code : '';
  if (!DENIED.has(code)) return undefined;
  const call = `${service} ${(command ?? 'request').replace(/Command$/, '')}`;
  const said = typeof e?.message === 'string' && e.message ? e.message : code;
  return new GamedayError(`AWS refused ${call} (${code}): ${said}`, {
    kind: 'runtime',
    code: 'AWS_ACCESS_DENIED',
    hint: 'the AWS principal gameday runs as lacks this permission; `gameday iam <scenario>` prints the policy the scenario needs',
    cause: error,
  });
}

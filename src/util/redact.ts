// Secrets never reach a report, a log or the journal. Connection URLs are shown without their password,
// query-string credentials (tokens, keys, signatures, X-Amz-*) without their values, Authorization
// credentials (Bearer, Basic, …) and AWS secret access keys as "***", wherever in a message they appear.

const MASK = '***';

/**
 * `scheme://user:password@host`: the password runs to the LAST `@` of the token, so a raw `@` inside it
 * (`postgres://u:p@ss@h/db`) is hidden too. Why greedy: a host never contains `@`, a password may.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@'"]*):(?!\d+[/?#])[^\s'"]*@(?=[^\s/?#@'"]*(?:[/?#\s'"]|$))/gi;

/** Names whose values are credentials: password, token, secret, signature, API and access keys, X-Amz-*. */
const SECRET_NAME =
  '(?:x-amz-[a-z0-9-]+|[a-z0-9_.-]*(?:password|passwd|pwd|token|secret|signature|credential|api[_-]?key|access[_-]?key|private[_-]?key|session[_-]?key)[a-z0-9_.-]*)';

/** `?name=value` / `&name=value` in a URL or a form body; there a bare `key` or `sig` is a credential too. */
const QUERY_SECRET = new RegExp(`([?&;](?:${SECRET_NAME}|key|sig)=)[^&#\\s'"]*`, 'gi');

/** `NAME=value`, `name: value`, `"name": "value"` (environment dumps, headers, JSON) for the same names. */
const ASSIGNED_SECRET = new RegExp(
  `(^|[\\s{,;(])(["']?(?:${SECRET_NAME})["']?\\s*[:=]\\s*)(["']?)(?!\\*\\*\\*)[^\\s"',;&}]+`,
  'gim',
);

/**
 * `Authorization: <scheme> <credentials>` (and Proxy-Authorization), any scheme: a quoted value up to its
 * closing quote, an unquoted one (a header line) to the end of the line — Digest values hold spaces and commas.
 */
const AUTHORIZATION_QUOTED = /\b((?:proxy-)?authorization["']?\s*[:=]\s*)(["'])(?:[^"'\\\r\n]|\\.)*\2/gi;
const AUTHORIZATION_LINE = /\b((?:proxy-)?authorization\s*[:=]\s*)(?!["'\s]|\*\*\*)[^\r\n]*/gi;

/** A bare credential after its scheme word: `Bearer eyJ…`, `Basic dXNlcjpwYXNz`. */
const SCHEME_CREDENTIAL = /\b(Bearer|Basic|Digest)\s+(?!\*\*\*)([A-Za-z0-9._~+/-]{8,}=*)/gi;

/** Why the shape test: "basic validation" is prose, a Basic or Bearer credential has capitals, digits or padding. */
function schemeCredential(match: string, scheme: string, credential: string): string {
  return /[A-Z0-9=+/._~-]/.test(credential) || scheme.toLowerCase() === 'bearer' ? `${scheme} ${MASK}` : match;
}

/**
 * An AWS secret access key: 40 characters of base64 (letters, digits, / and +), upper and lower case and
 * a digit, standing alone. Why the mixed-case test: it keeps hex digests (git commits, SHA-1) readable.
 */
const AWS_SECRET_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

function looksLikeAwsSecretKey(candidate: string): boolean {
  return (
    /[a-z]/.test(candidate) &&
    /[A-Z]/.test(candidate) &&
    /[0-9]/.test(candidate) &&
    !candidate.startsWith('/') &&
    !candidate.includes('//')
  );
}

/** Replace the password of a URL (postgres://user:secret@host/db) with "***"; non-URLs pass through. */
export function redactUrl(text: string): string {
  return redactText(text);
}

/** Redact every credential inside a longer message: URL passwords, query-string secrets, Authorization values, AWS secret keys. */
export function redactText(text: string): string {
  if (text === '') return text;
  return text
    .replace(USERINFO, `$1:${MASK}@`)
    .replace(QUERY_SECRET, `$1${MASK}`)
    .replace(AUTHORIZATION_QUOTED, `$1$2${MASK}$2`)
    .replace(AUTHORIZATION_LINE, `$1${MASK}`)
    .replace(SCHEME_CREDENTIAL, schemeCredential)
    .replace(ASSIGNED_SECRET, `$1$2$3${MASK}`)
    .replace(AWS_SECRET_KEY, (m) => (looksLikeAwsSecretKey(m) ? MASK : m));
}

/** Redact every string inside a JSON-like value (objects and arrays are copied; other values pass through). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value === null || typeof value !== 'object' || !isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
  return out as T;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** "host:port/db" of a PostgreSQL URL, for details that must name the database without credentials. */
export function describeDbUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'database';
  }
}

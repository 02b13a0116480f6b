// Secrets never reach a report, a log or the journal: connection URLs are shown without their password.

/** Replace the password of a URL (postgres://user:secret@host/db) with "***"; non-URLs pass through. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/i, '$1:***@');
}

/** Redact every URL-with-password inside a longer message. */
export function redactText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
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

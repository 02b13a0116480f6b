// The local target lock: one JSON file per target key in a per-user directory. Creation is atomic
// (link(2) of a fully written file), a takeover is a compare-and-swap under a short-lived mutex file,
// and the holder's liveness is its pid, host and process start time.

import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { GamedayError } from '../../errors.js';
import { sleep } from '../../util/clock.js';
import { processState } from '../../util/process-identity.js';
import { holderFrom } from './holder.js';
import type { HolderState, LockHolder, LockRecord, TargetLockBackend } from './types.js';

/**
 * Where this user's lock files live: $GAMEDAY_LOCK_DIR, else under $TMPDIR (when set), else
 * $XDG_RUNTIME_DIR, else $XDG_CACHE_HOME or ~/.cache. Why never plain /tmp: a machine-wide directory
 * mixes users' locks and lets one user's stale file block (or be removed by) another.
 */
export function defaultLockDir(env: Record<string, string | undefined> = process.env): string {
  if (env['GAMEDAY_LOCK_DIR']) return env['GAMEDAY_LOCK_DIR'];
  if (env['TMPDIR']) return join(env['TMPDIR'], `gameday-${userId()}`, 'locks');
  if (env['XDG_RUNTIME_DIR']) return join(env['XDG_RUNTIME_DIR'], 'gameday', 'locks');
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'gameday', 'locks');
}

function userId(): string {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Lock files in one directory. */
export class FileLockBackend implements TargetLockBackend {
  readonly kind = 'file';
  readonly renewEveryMs = 30_000;

  constructor(readonly location: string = defaultLockDir()) {}

  private path(key: string): string {
    return join(this.location, `${hash(key).slice(0, 16)}.lock`);
  }

  describe(key: string): string {
    return `lock file ${this.path(key)}`;
  }

  private text(key: string, holder: LockHolder, renewedAt = new Date().toISOString()): string {
    return `${JSON.stringify({ key, holder, renewedAt })}\n`;
  }

  /** Write `text` to a temp file next to the lock, for an atomic link or rename into place. */
  private staged(key: string, text: string): string {
    mkdirSync(this.location, { recursive: true, mode: 0o700 });
    const tmp = `${this.path(key)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    return tmp;
  }

  async create(key: string, holder: LockHolder): Promise<{ created: boolean; record: LockRecord }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const text = this.text(key, holder);
      const tmp = this.staged(key, text);
      try {
        linkSync(tmp, this.path(key));
        return { created: true, record: this.parse(key, text) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        rmSync(tmp, { force: true });
      }
      const existing = await this.read(key);
      if (existing) return { created: false, record: existing };
      // Released between our link and our read: try again.
    }
    throw new GamedayError(`cannot create ${this.describe(key)}`, { kind: 'runtime', code: 'LOCK_FAILED' });
  }

  async read(key: string): Promise<LockRecord | undefined> {
    let text: string;
    try {
      text = readFileSync(this.path(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return this.parse(key, text);
  }

  /** A record from a file's text; a file that is not a lock record reads as a holder that is gone. */
  private parse(key: string, text: string): LockRecord {
    let raw: { holder?: Partial<LockHolder>; renewedAt?: string } = {};
    try {
      raw = JSON.parse(text) as typeof raw;
    } catch {
      // Not written by gameday (files are linked into place whole): treated as stale, below.
    }
    const holder = holderFrom(raw.holder);
    return { key, holder, renewedAt: String(raw.renewedAt ?? ''), version: hash(text) };
  }

  /** Run `fn` while holding the key's mutex file; undefined when another process holds it. */
  private async exclusive<T>(key: string, fn: () => Promise<T | undefined>): Promise<T | undefined> {
    const mutex = `${this.path(key)}.mutex`;
    mkdirSync(this.location, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(mutex, JSON.stringify({ pid: process.pid }), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let pid = 0;
      try {
        pid = Number((JSON.parse(readFileSync(mutex, 'utf8')) as { pid?: number }).pid);
      } catch {
        // Torn: its writer died while writing it.
      }
      // A mutex left by a dead process (killed mid-takeover) is removed; the caller retries.
      if (processState({ pid }) === 'dead') rmSync(mutex, { force: true });
      return undefined;
    }
    try {
      return await fn();
    } finally {
      rmSync(mutex, { force: true });
    }
  }

  async replace(expected: LockRecord, holder: LockHolder): Promise<LockRecord | undefined> {
    return this.exclusive(expected.key, async () => {
      const current = await this.read(expected.key);
      if (!current || current.version !== expected.version) return undefined;
      const text = this.text(expected.key, holder);
      renameSync(this.staged(expected.key, text), this.path(expected.key));
      return this.parse(expected.key, text);
    });
  }

  async renew(record: LockRecord): Promise<LockRecord | undefined> {
    // Liveness of a file lock is its holder's pid, so renewal only confirms the record is still ours.
    const current = await this.read(record.key);
    return current && current.version === record.version ? current : undefined;
  }

  async release(record: LockRecord): Promise<void> {
    // The mutex is held for microseconds by a takeover; wait for it rather than leave the file behind.
    for (let attempt = 0; attempt < 50; attempt++) {
      const done = await this.exclusive(record.key, async () => {
        const current = await this.read(record.key);
        if (current && current.version === record.version) rmSync(this.path(record.key), { force: true });
        return true;
      });
      if (done) return;
      await sleep(20);
    }
    throw new GamedayError(`cannot release ${this.describe(record.key)}: its mutex stays taken`, {
      kind: 'runtime',
      code: 'LOCK_FAILED',
    });
  }

  holderState(record: LockRecord): HolderState {
    return processState(record.holder);
  }
}

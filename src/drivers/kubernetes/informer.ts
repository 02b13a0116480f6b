// An informer: list once, then watch, keeping a local cache of slim objects that probes, selection and
// timings read without any request. A watch that ends is resumed from the last resourceVersion (the
// server closes watches every few minutes); a 410 Gone (that version was compacted) relists; errors
// back off. Listeners get every change with the local time it was seen.

import { sleep } from '../../util/clock.js';
import type { KubeClient, ListFn, WatchEvent } from './client.js';
import { backoffMs, errorStatus } from './retry.js';

export interface InformerChange<T> {
  type: 'add' | 'update' | 'delete';
  obj: T;
  old?: T;
  /** performance.now() when the change was seen. */
  at: number;
}

export interface InformerOptions<T> {
  /** For messages, e.g. "pods in production". */
  name: string;
  /** Watch path, e.g. /api/v1/namespaces/production/pods. */
  path: string;
  list: ListFn;
  project(raw: unknown): T;
  labelSelector?: string;
  fieldSelector?: string;
  /** List page size (default 100): big clusters are listed in chunks. */
  pageSize?: number;
  log?(message: string): void;
}

type Raw = { metadata?: { name?: unknown; namespace?: unknown; resourceVersion?: unknown }; code?: unknown };

const keyOf = (raw: unknown): string => {
  const m = (raw as Raw | null)?.metadata;
  return `${typeof m?.namespace === 'string' ? m.namespace : ''}/${String(m?.name ?? '')}`;
};

/** A cache of one kind of object, kept current by a watch. */
export class Informer<T> {
  private readonly store = new Map<string, T>();
  private readonly listeners = new Set<(change: InformerChange<T>) => void>();
  private resourceVersion = '';
  private stopped = false;
  private running: { abort(): void } | undefined;
  private loop: Promise<void> | undefined;
  private readonly stopCtl = new AbortController();
  /** Watches opened, lists made and relists after 410, for diagnostics. */
  readonly counters = { watches: 0, lists: 0, relists: 0, errors: 0 };

  constructor(
    private readonly client: KubeClient,
    private readonly opts: InformerOptions<T>,
  ) {}

  /** List, fill the cache, then keep it current. Resolves when the cache is synced; throws when the list fails. */
  async start(): Promise<void> {
    await this.relist();
    this.loop = this.watchLoop();
  }

  /** Stop watching; the cache keeps its last contents. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopCtl.abort();
    this.running?.abort();
    await this.loop?.catch(() => undefined);
  }

  get(namespace: string, name: string): T | undefined {
    return this.store.get(`${namespace}/${name}`);
  }

  values(): IterableIterator<T> {
    return this.store.values();
  }

  get size(): number {
    return this.store.size;
  }

  /** Subscribe to changes; returns the unsubscribe function. */
  on(listener: (change: InformerChange<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: InformerChange<T>): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // A listener must never break the cache.
      }
    }
  }

  private async relist(): Promise<void> {
    this.counters.lists += 1;
    // Projected page by page: a big cluster's full objects are never all in memory at once.
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv: string;
    do {
      const page = await this.opts.list({
        limit: this.opts.pageSize ?? 100,
        ...(cont === undefined ? {} : { continue: cont }),
        ...(this.opts.labelSelector === undefined ? {} : { labelSelector: this.opts.labelSelector }),
        ...(this.opts.fieldSelector === undefined ? {} : { fieldSelector: this.opts.fieldSelector }),
      });
      for (const item of page.items) fresh.set(keyOf(item), this.opts.project(item));
      rv = page.resourceVersion;
      cont = page.continue;
    } while (cont !== undefined);
    const at = performance.now();
    for (const [key, old] of this.store) {
      if (!fresh.has(key)) {
        this.store.delete(key);
        this.emit({ type: 'delete', obj: old, at });
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.store.get(key);
      this.store.set(key, obj);
      this.emit(old === undefined ? { type: 'add', obj, at } : { type: 'update', obj, old, at });
    }
    this.resourceVersion = rv;
  }

  private onEvent(e: WatchEvent): { gone: boolean } {
    if (e.type === 'ERROR') {
      // A Status object; 410 means our resourceVersion is too old and a relist is needed.
      return { gone: (e.object as Raw | null)?.code === 410 };
    }
    const rv = (e.object as Raw | null)?.metadata?.resourceVersion;
    if (typeof rv === 'string' && rv !== '') this.resourceVersion = rv;
    if (e.type === 'BOOKMARK') return { gone: false };
    const key = keyOf(e.object);
    const at = performance.now();
    if (e.type === 'DELETED') {
      const old = this.store.get(key);
      this.store.delete(key);
      this.emit({ type: 'delete', obj: old ?? this.opts.project(e.object), at });
      return { gone: false };
    }
    const obj = this.opts.project(e.object);
    const old = this.store.get(key);
    this.store.set(key, obj);
    this.emit(old === undefined ? { type: 'add', obj, at } : { type: 'update', obj, old, at });
    return { gone: false };
  }

  private async watchLoop(): Promise<void> {
    let failures = 0;
    let relist = false;
    while (!this.stopped) {
      try {
        if (relist) {
          this.counters.relists += 1;
          await this.relist();
          relist = false;
        }
        let gone = false;
        const ended = await new Promise<unknown>((resolve) => {
          // stop() ends the wait even when the server has not answered yet.
          this.stopCtl.signal.addEventListener('abort', () => resolve(null), { once: true });
          this.counters.watches += 1;
          this.client
            .watch(
              this.opts.path,
              {
                resourceVersion: this.resourceVersion,
                allowWatchBookmarks: true,
                // The server ends a watch after this; it is then resumed from the last resourceVersion.
                timeoutSeconds: 240 + Math.floor(Math.random() * 120),
                labelSelector: this.opts.labelSelector,
                fieldSelector: this.opts.fieldSelector,
              },
              (e) => {
                if (this.onEvent(e).gone) gone = true;
              },
              resolve,
            )
            .then((w) => {
              this.running = w;
              if (this.stopped) w.abort();
            }, resolve);
        });
        this.running = undefined;
        if (this.stopped) return;
        if (gone || errorStatus(ended) === 410) {
          relist = true;
          continue;
        }
        if (ended === null || ended === undefined) {
          failures = 0;
          continue;
        }
        throw ended;
      } catch (error) {
        if (this.stopped) return;
        this.counters.errors += 1;
        failures += 1;
        if (errorStatus(error) === 410) relist = true;
        this.opts.log?.(`watch of ${this.opts.name} lost (${String((error as Error)?.message ?? error)}); resuming`);
        await sleep(backoffMs(Math.min(failures, 6)), this.stopCtl.signal).catch(() => undefined);
      }
    }
  }
}

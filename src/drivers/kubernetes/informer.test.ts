import { describe, expect, it } from 'vitest';
import type { KubeClient, ListOptions, ListPage, WatchEvent } from './client.js';
import { Informer } from './informer.js';

const obj = (name: string, rv: string) => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });

/** A scripted API: lists return `lists` in turn; each watch plays one script, then ends. */
function fakeClient(lists: ListPage[], watches: Array<(emit: (e: WatchEvent) => void) => unknown>) {
  const calls: Array<{ kind: 'list' | 'watch'; rv?: string }> = [];
  const client = {
    watch(
      _path: string,
      query: Record<string, unknown>,
      onEvent: (e: WatchEvent) => void,
      onDone: (err: unknown) => void,
    ) {
      calls.push({ kind: 'watch', rv: String(query['resourceVersion']) });
      const script = watches.shift();
      if (!script) return new Promise<{ abort(): void }>(() => undefined);
      setTimeout(() => onDone(script(onEvent) ?? null), 5);
      return Promise.resolve({ abort: () => undefined });
    },
  } as unknown as KubeClient;
  const list = async (_o: ListOptions): Promise<ListPage> => {
    calls.push({ kind: 'list' });
    return lists.shift() ?? { items: [], resourceVersion: '0' };
  };
  return { client, list, calls };
}

describe('Informer', () => {
  it('resumes a closed watch from the last resourceVersion and relists after 410 Gone', async () => {
    const { client, list, calls } = fakeClient(
      [
        { items: [obj('a', '10')], resourceVersion: '10' },
        { items: [obj('b', '40')], resourceVersion: '40' },
      ],
      [
        (emit) => {
          emit({ type: 'ADDED', object: obj('b', '11') });
          emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } });
        },
        (emit) => emit({ type: 'ERROR', object: { kind: 'Status', code: 410 } }),
      ],
    );
    const seen: string[] = [];
    const inf = new Informer(client, {
      name: 'things',
      path: '/things',
      list,
      project: (raw) => (raw as { metadata: { name: string } }).metadata.name,
    });
    inf.on((c) => seen.push(`${c.type} ${c.obj}`));
    await inf.start();
    expect([...inf.values()]).toEqual(['a']);
    await new Promise((r) => setTimeout(r, 100));
    await inf.stop();
    // list@10 → watch from 10 (b added, bookmark 15, closed) → watch from 15 (410) → relist → watch from 40.
    expect(calls).toEqual([
      { kind: 'list' },
      { kind: 'watch', rv: '10' },
      { kind: 'watch', rv: '15' },
      { kind: 'list' },
      { kind: 'watch', rv: '40' },
    ]);
    expect([...inf.values()]).toEqual(['b']);
    expect(seen).toEqual(['add a', 'add b', 'delete a', 'update b']);
  });

  it('backs off and resumes after a failed watch', async () => {
    const { client, list, calls } = fakeClient(
      [{ items: [], resourceVersion: '5' }],
      [() => Object.assign(new Error('socket hang up'), {}), () => undefined],
    );
    const logs: string[] = [];
    const inf = new Informer(client, { name: 'things', path: '/t', list, project: (r) => r, log: (m) => logs.push(m) });
    await inf.start();
    await new Promise((r) => setTimeout(r, 600));
    await inf.stop();
    expect(calls.filter((c) => c.kind === 'watch').map((c) => c.rv)).toEqual(['5', '5', '5']);
    expect(logs[0]).toMatch(/watch of things lost \(socket hang up\); resuming/);
  });
});

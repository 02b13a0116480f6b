import { describe, expect, it } from 'vitest';
import { ListItemSplitter, readList } from './list-stream.js';

/** Split `text` at the given byte offsets and read it as a list. */
function split(text: string, cuts: number[]): { items: unknown[]; members: Record<string, unknown> } {
  const bytes = Buffer.from(text);
  const items: unknown[] = [];
  const splitter = new ListItemSplitter((item) => items.push(item));
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.push(bytes.subarray(from, cut));
    from = cut;
  }
  return { items, members: splitter.end() };
}

const pod = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: { name, namespace: 'production', labels: { app: 'connectkit', 'topology.kubernetes.io/zone': 'a' } },
  spec: { nodeName: 'kwok-a-0', containers: [{ name: 'app', args: ['--flag=[x]', '{"json":true}'] }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});

// What JSON can put in a string that a byte scanner could mistake for structure.
const tricky = pod('tricky', {
  note: 'quote " backslash \\ both \\" end \\\\" brace } bracket ] comma , colon : and ünïcödé ✓ 𝄞',
  empty: '',
  backslashes: '\\\\\\',
  nested: [[], {}, [{ a: [1, 2, { b: null }] }], 'x'],
  numbers: [0, -1.5e3, true, false, null],
});

const list = (items: unknown[], metadataLast = false): Record<string, unknown> =>
  metadataLast
    ? { kind: 'PodList', apiVersion: 'v1', items, metadata: { resourceVersion: '42', continue: 'next' } }
    : { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42', continue: 'next' }, items };

describe('ListItemSplitter', () => {
  it('reads each item and the other members as JSON.parse does, cut at every byte', () => {
    const value = list([pod('web-1'), tricky, pod('web-2')]);
    const text = JSON.stringify(value);
    const members = { kind: value.kind, apiVersion: value.apiVersion, metadata: value.metadata };
    const bytes = Buffer.byteLength(text);
    for (let cut = 0; cut <= bytes; cut++) {
      const got = split(text, [cut]);
      expect(got.items, `cut at ${cut}`).toEqual(value.items);
      expect(got.members, `cut at ${cut}`).toEqual(members);
    }
    // One byte at a time: every escape, every multi-byte character and every name arrives in pieces.
    const oneByOne = split(
      text,
      Array.from({ length: bytes }, (_, i) => i),
    );
    expect(oneByOne.items).toEqual(value.items);
  });

  it('reads pretty-printed answers, metadata after the items, and an empty list', () => {
    const late = list([tricky, pod('web-1')], true);
    const pretty = split(JSON.stringify(late, null, 2), [100, 101, 350]);
    expect(pretty.items).toEqual(late.items);
    expect(pretty.members.metadata).toEqual({ resourceVersion: '42', continue: 'next' });
    const empty = split('{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[ ]}', [40]);
    expect(empty).toEqual({ items: [], members: { kind: 'PodList', metadata: { resourceVersion: '7' } } });
    const noItems = split('{"kind":"Status","code":410}', []);
    expect(noItems).toEqual({ items: [], members: { kind: 'Status', code: 410 } });
  });

  it('refuses a truncated answer, one that is not an object, and bad JSON in an item', () => {
    const text = JSON.stringify(list([pod('web-1'), pod('web-2')]));
    expect(() => split(text.slice(0, text.length - 5), [])).toThrow(/ended early/);
    expect(() => split('', [])).toThrow(/ended early/);
    expect(() => split('[1,2]', [])).toThrow(/not a list/);
    expect(() => split('{"items":[{"a":1}]}{"items":[]}', [])).toThrow(/not a list/);
    expect(() => split('{"items":[{"a":}]}', [])).toThrow(SyntaxError);
  });

  it('reads a body of Buffers (an HTTP answer) into items and members', async () => {
    const value = list([pod('web-1'), pod('web-2')]);
    const bytes = Buffer.from(JSON.stringify(value));
    async function* body(): AsyncGenerator<Buffer> {
      for (let i = 0; i < bytes.length; i += 64) yield bytes.subarray(i, i + 64);
    }
    const got = await readList(body());
    expect(got.items).toEqual(value.items);
    expect(got.members.metadata).toEqual({ resourceVersion: '42', continue: 'next' });
  });
});

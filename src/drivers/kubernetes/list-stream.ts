// A Kubernetes list answer read as it arrives. Each element of its top-level "items" array is parsed on
// its own as soon as its last byte is in, and every other top-level member ("metadata", "kind" …) is
// parsed whole; the answer is never one string or one buffer. Why: a page of 100 pods is about 0.5 MB
// (1–2 MB on clusters that keep managedFields), and read whole, each page became one large string in
// V8's large-object space and one large malloc'ed buffer, both held until a full garbage collection.

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

/** What a list answer holds besides its items: its top-level members, parsed. */
export type ListMembers = Record<string, unknown>;

/** Splits a JSON object's "items" array into its elements, chunk by chunk. */
export class ListItemSplitter {
  private depth = 0;
  private inString = false;
  /** The previous byte, inside a string, was an escaping backslash (an escape may span chunks). */
  private escaped = false;
  /** At depth 1: the next string is a member's name, the member being read, whether its value began. */
  private expectKey = false;
  private member: string | undefined;
  private inItems = false;
  /** The bytes of what is being captured (a name, a member's value or one item), across chunks. */
  private parts: Buffer[] | undefined;
  private captureStart = 0;
  private capturing: 'key' | 'value' | 'item' | undefined;
  private readonly members: ListMembers = {};
  private bytes = 0;
  private opened = false;

  constructor(private readonly onItem: (item: unknown) => void) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        // Byte by byte to the closing quote: strings are short, and a loop beats a native call per string.
        let escaped = this.escaped;
        while (i < n) {
          const b = chunk[i] as number;
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) break;
          i += 1;
        }
        this.escaped = escaped;
        if (i === n) break;
        i += 1;
        this.inString = false;
        if (this.capturing === 'key') this.member = JSON.parse(this.finish(chunk, i)) as string;
        continue;
      }
      const c = chunk[i] as number;
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.expectKey) {
          this.expectKey = false;
          this.begin('key', i);
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.depth === 0) {
          if (c !== OPEN_OBJECT || this.opened) throw new Error('not a list: the answer is not one JSON object');
          this.opened = true;
          this.expectKey = true;
        } else if (this.depth === 1 && this.member === 'items' && c === OPEN_ARRAY && this.capturing === 'value') {
          // The items array itself is not captured: its elements are, one by one.
          this.capturing = undefined;
          this.parts = undefined;
          this.inItems = true;
          this.begin('item', i + 1);
        }
        this.depth += 1;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.depth === 2 && this.inItems && c === CLOSE_ARRAY) {
          this.item(chunk, i);
          this.inItems = false;
        } else if (this.depth === 1) {
          this.value(chunk, i);
        }
        this.depth -= 1;
        if (this.depth < 0) throw new Error('not a list: unbalanced JSON');
      } else if (c === COMMA) {
        if (this.depth === 2 && this.inItems) {
          this.item(chunk, i);
          this.begin('item', i + 1);
        } else if (this.depth === 1) {
          this.value(chunk, i);
          this.expectKey = true;
        }
      } else if (c === COLON && this.depth === 1 && this.capturing === undefined) {
        this.begin('value', i + 1);
      }
      i += 1;
    }
    if (this.parts !== undefined && this.captureStart < n) this.parts.push(chunk.subarray(this.captureStart));
    this.captureStart = 0;
  }

  /** The top-level members other than items; throws when the answer ended early. */
  end(): ListMembers {
    if (!this.opened || this.depth !== 0 || this.inString) {
      throw new Error(`list answer ended early (${this.bytes} bytes, truncated JSON)`);
    }
    return this.members;
  }

  private begin(what: 'key' | 'value' | 'item', at: number): void {
    this.capturing = what;
    this.parts = [];
    this.captureStart = at;
  }

  /** The captured text up to `end` (exclusive) in `chunk`; the capture stops. */
  private finish(chunk: Buffer, end: number): string {
    const parts = this.parts ?? [];
    const last = chunk.subarray(this.captureStart, end);
    const text = parts.length === 0 ? last.toString('utf8') : Buffer.concat([...parts, last]).toString('utf8');
    this.parts = undefined;
    this.capturing = undefined;
    return text;
  }

  private item(chunk: Buffer, end: number): void {
    const text = this.finish(chunk, end);
    // `[]` and the whitespace around elements capture nothing to parse.
    if (text.trim() !== '') this.onItem(JSON.parse(text));
  }

  private value(chunk: Buffer, end: number): void {
    if (this.capturing !== 'value' || this.member === undefined) return;
    const text = this.finish(chunk, end);
    this.members[this.member] = JSON.parse(text);
    this.member = undefined;
  }
}

/** Read a list answer from its body's chunks: its items (parsed one by one) and its other members. */
export async function readList(body: AsyncIterable<Buffer>): Promise<{ items: unknown[]; members: ListMembers }> {
  const items: unknown[] = [];
  const splitter = new ListItemSplitter((item) => items.push(item));
  for await (const chunk of body) splitter.push(chunk);
  return { items, members: splitter.end() };
}

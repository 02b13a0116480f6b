// The parse stage: YAML text → one document with a line counter, and paths → line:col.

import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, ParsedNode } from 'yaml';
import { problem } from './diagnostics.js';
import type { PathSegment, Problem } from './diagnostics.js';

/**
 * Aliases are expanded only when the document is converted to plain data; past this many
 * expansions the conversion stops. Why: a "billion laughs" file of nested aliases expands to
 * gigabytes from a few hundred bytes; real scenarios reuse an anchor a handful of times.
 */
export const MAX_ALIAS_COUNT = 50;

export interface Source {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export interface Position {
  line: number;
  col: number;
}

/** A problem found while parsing: it has a position but no path yet. */
export type PositionedProblem = Problem & Position;

export interface ParseResult {
  /** Absent when there is no document to go on with. */
  source?: Source;
  problems: PositionedProblem[];
}

/** Parse one YAML document; syntax errors, duplicate keys and extra documents are problems with positions. */
export function parseYaml(text: string): ParseResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const problems: PositionedProblem[] = [];
  const at = (p: Problem, offset: number): void => {
    problems.push({ ...p, ...lineCounter.linePos(offset) });
  };
  // An empty stream (only comments or nothing) has no documents at all.
  const real = Array.isArray(docs) ? docs.filter((d) => !isEmptyDocument(d)) : [];
  const first = real[0];
  if (first === undefined) {
    const p = problem([], 'empty-file', 'the file has no content (only comments or blank lines)', {
      hint: 'a scenario starts with "apiVersion: gameday/v1" and "kind: Scenario"',
    });
    at(p, 0);
    return { problems };
  }
  for (const doc of real.slice(0, 1)) {
    let syntaxErrors = 0;
    for (const error of doc.errors) {
      const code = error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
      // After the first syntax error the parser is out of step with the text; what follows is noise.
      if (code === 'yaml-syntax' && syntaxErrors++ > 0) continue;
      at(
        problem([], code, yamlMessage(error.message), { hint: syntaxHint(text, error.code, error.pos[0]) }),
        error.pos[0],
      );
    }
    for (const warning of doc.warnings) {
      at(problem([], 'yaml-warning', yamlMessage(warning.message), { severity: 'warning' }), warning.pos[0]);
    }
  }
  const second = real[1];
  if (second !== undefined) {
    at(
      problem([], 'multiple-documents', `the file holds ${real.length} YAML documents; a scenario file holds one`, {
        hint: 'put each scenario in its own file, or remove the "---" separator',
      }),
      second.range[0],
    );
  }
  return { source: { doc: first, lineCounter }, problems };
}

function syntaxHint(text: string, code: string, offset: number): string | undefined {
  if (code === 'TAB_AS_INDENT') return 'indent with spaces';
  if (code === 'DUPLICATE_KEY') return 'each key may appear once per mapping; remove or merge the duplicate';
  const lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  if (/[{[].*\$\{/.test(line)) return 'inside { } or [ ], quote values that contain ${…}: "${API_URL}/health"';
  return undefined;
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  if (c === null) return doc.errors.length === 0;
  return isScalar(c) && c.value === null && c.range[0] === c.range[1] && doc.errors.length === 0;
}

/** yaml's pretty messages carry " at line N, column M:" and a code frame; the position is reported separately. */
function yamlMessage(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  const text = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}

interface Found {
  /** The node at the full path, if it exists. */
  node?: Node;
  /** The key node of the pair holding the last segment found, if the parent is a mapping. */
  key?: Node;
  /** The deepest node that does exist on the way (the document root at worst), and its key. */
  deepest?: Node;
  deepestKey?: Node;
}

/** Walk a path through mappings and sequences, following aliases. */
export function findNode(source: Source, path: readonly PathSegment[]): Found {
  let current: unknown = source.doc.contents;
  let currentKey: Node | undefined;
  const found: Found = {};
  if (isNodeLike(current)) found.deepest = current;
  for (const segment of path) {
    if (isAlias(current)) current = current.resolve(source.doc);
    let next: unknown;
    let nextKey: Node | undefined;
    if (isMap(current)) {
      for (const pair of current.items) {
        if (!isPair(pair)) continue;
        const k: unknown = pair.key;
        const name = isScalar(k) ? k.value : k;
        if (String(name) === String(segment)) {
          next = pair.value;
          nextKey = isNodeLike(k) ? k : undefined;
          // A key with no value ("metadata:") still exists; point at its key.
          if (next === null || next === undefined) next = nextKey;
          break;
        }
      }
    } else if (isSeq(current) && typeof segment === 'number') {
      next = current.items[segment];
    }
    if (!isNodeLike(next)) return found;
    current = next;
    currentKey = nextKey;
    found.deepest = next;
    found.deepestKey = nextKey;
  }
  if (isNodeLike(current)) found.node = current;
  if (currentKey !== undefined) found.key = currentKey;
  return found;
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

/** Position of a node's first character. */
export function nodePosition(source: Source, node: Node | undefined): Position {
  const offset = (node as ParsedNode | undefined)?.range?.[0] ?? 0;
  return source.lineCounter.linePos(offset);
}

/** Where a problem should point: the value, the key naming it, or the mapping meant to contain it. */
export function problemPosition(source: Source, p: Problem): Position {
  const at = p.at ?? 'value';
  if (at === 'parent') {
    const parent = findNode(source, p.path.slice(0, -1));
    return nodePosition(source, parent.key ?? parent.node ?? parent.deepestKey ?? parent.deepest);
  }
  const f = findNode(source, p.path);
  if (at === 'key') return nodePosition(source, f.key ?? f.node ?? f.deepestKey ?? f.deepest);
  // An empty value ("sandbox:") has no characters of its own; its key is the better place.
  const node = f.node;
  if (node !== undefined && isScalar(node) && node.value === null && f.key !== undefined) {
    return nodePosition(source, f.key);
  }
  return nodePosition(source, node ?? f.deepestKey ?? f.deepest);
}

import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Importing the library or the CLI must not load the AWS SDK or the Kubernetes client (each costs
// 100-150 MB of RSS): they are loaded with `await import()` where a run connects its target, an undo
// builds its driver or a runbook step calls one. This follows the imports that survive compilation:
// with verbatimModuleSyntax every import or re-export without `type` on the whole clause stays.

const SRC = dirname(fileURLToPath(import.meta.url));
const HEAVY = /^(@aws-sdk\/|@smithy\/|@kubernetes\/client-node$)/;

function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s) && !s.importClause?.isTypeOnly) {
      out.push((s.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(s) && !s.isTypeOnly && s.moduleSpecifier) {
      out.push((s.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

/** Every static import chain from `entry` into a heavy package, as "package ← importer ← … ← entry". */
function heavyChains(entry: string): string[] {
  const importer = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  const chains: string[] = [];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) {
        const next = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (!importer.has(next)) {
          importer.set(next, file);
          queue.push(next);
        }
      } else if (HEAVY.test(spec)) {
        const chain = [spec];
        for (let f: string | null | undefined = file; f; f = importer.get(f)) chain.push(relative(SRC, f));
        chains.push(chain.join(' ← '));
      }
    }
  }
  return chains;
}

describe('module loading', () => {
  it.each(['index.ts', 'cli/main.ts'])('importing %s loads neither the AWS SDK nor the Kubernetes client', (entry) => {
    expect(heavyChains(join(SRC, entry))).toEqual([]);
  });

  it('sees the static chain of a driver module into its SDK', () => {
    expect(heavyChains(join(SRC, 'drivers/kubernetes/cluster.ts'))).toContain(
      '@kubernetes/client-node ← drivers/kubernetes/client.ts ← drivers/kubernetes/cluster.ts',
    );
  });
});

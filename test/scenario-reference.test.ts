// docs/scenario-reference.md is generated from the scenario schema: it must be current.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

describe('docs/scenario-reference.md', () => {
  it('is what scripts/generate-scenario-docs.js writes from the current schema', () => {
    let out = '';
    try {
      out = execFileSync(process.execPath, ['scripts/generate-scenario-docs.js', '--check'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      expect.fail(
        `docs/scenario-reference.md is stale: run npm run schema\n${String((error as { stderr?: string }).stderr)}`,
      );
    }
    expect(out).toMatch(/is current/);
  });
});

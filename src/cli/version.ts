// gameday's version, from its package.json.

import { readFileSync } from 'node:fs';

/** The version in package.json (the package root is two levels above dist/cli/). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// The CLI in process: main() with its output captured, for tests that run it thousands of times (a spawned
// process costs a Node start-up each time; test/helpers/cli.ts spawns it as users run it).

import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

/** `gameday <argv>` through main(); its exit code and what it printed. process.exitCode is left unset. */
export async function mainInProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), tty: false, status: () => undefined };
  const code = await main(argv, io);
  process.exitCode = undefined;
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// Where a kubeconfig comes from when none is named: $KUBECONFIG (a path list), else ~/.kube/config.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/** The kubeconfig files a client without an explicit path loads: $KUBECONFIG (a list), else ~/.kube/config. */
export function defaultKubeconfig(env: Record<string, string | undefined> = process.env): string | undefined {
  const list = env['KUBECONFIG'];
  if (list) {
    return list
      .split(delimiter)
      .filter((f) => f !== '')
      .map((f) => resolve(f))
      .join(delimiter);
  }
  const home = join(env['HOME'] ?? homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

/** True when every file of a kubeconfig path list exists. */
export function kubeconfigExists(paths: string): boolean {
  const files = paths.split(delimiter).filter((f) => f !== '');
  return files.length > 0 && files.every((f) => existsSync(f));
}

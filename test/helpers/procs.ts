// What a process holds, read from /proc: its listening TCP ports and its descendants. The crash matrix
// and the sandbox tests compare these before and after, so a leaked listener or process shows up.

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Socket inodes of `pid`'s open file descriptors. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Listening TCP sockets in the network namespace of `pid`: inode → port. */
function listeners(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is "HEXIP:HEXPORT"; st 0A is LISTEN; inode is the 10th column.
      if (cols[3] !== '0A' || cols[9] === undefined) continue;
      out.set(cols[9], parseInt((cols[1] ?? '').split(':')[1] ?? '0', 16));
    }
  }
  return out;
}

/** The TCP ports `pid` itself listens on, sorted. */
export function listeningPorts(pid: number): number[] {
  const inodes = socketInodes(pid);
  const ports: number[] = [];
  for (const [inode, port] of listeners(pid)) if (inodes.has(inode)) ports.push(port);
  return ports.sort((a, b) => a - b);
}

/** Every live descendant of `pid` (children, their children, …). */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      parent.set(Number(entry), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, pp] of parent) {
      if (pp === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

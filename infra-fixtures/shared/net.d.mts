// Types for net.mjs, so TypeScript tests can check loopback ports.

import type { Server } from 'node:net';

export function freePort(): Promise<number>;
export function portOpen(port: number): Promise<boolean>;
export function listenOnLoopback(server: Server): Promise<number>;

#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli/main.js (built by `npm run build`, run by `npm ci` via `prepare`).
import { main } from '../dist/cli/main.js';

await main(process.argv.slice(2));

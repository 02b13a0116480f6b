// The charting library, read from its npm package at render time and inlined into every page, so a
// report opens offline and as a CI artifact (no CDN, no second file).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ChartAssets {
  /** uPlot's IIFE build (defines the global `uPlot`). */
  js: string;
  css: string;
  /** "uPlot 1.6.32 (MIT)" for the page's footer. */
  credit: string;
}

let cached: ChartAssets | undefined;

/** uPlot's script and stylesheet from node_modules/uplot, read once per process. */
export function chartAssets(): ChartAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('uplot/package.json'), 'utf8')) as {
    version: string;
    license: string;
  };
  cached = {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    credit: `uPlot ${pkg.version} (${pkg.license})`,
  };
  return cached;
}

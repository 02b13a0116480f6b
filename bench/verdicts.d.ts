// Types of the judgements TypeScript callers use (test/crash/bench.ts); bench/verdicts.js has them all.

export declare const MEETS: 'meets goal';
export declare const MISSES: 'MISSES GOAL';

export declare function judgeCrash(input: {
  outcomes: ReadonlyArray<{ target: string; fault: string; killPoint: number; converged: boolean }>;
  minutes: number;
}): { meets: boolean; verdict: string; misses: string[]; line: string };

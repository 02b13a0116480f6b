import { describe, expect, it } from 'vitest';
import { formatBoundMs, formatMeasuredMs, formatPercent, trimNumber } from './format.js';

describe('format', () => {
  it('writes bounds the way scenarios do', () => {
    expect(formatBoundMs(0)).toBe('0s');
    expect(formatBoundMs(30_000)).toBe('30s');
    expect(formatBoundMs(120_000)).toBe('2m');
    expect(formatBoundMs(14_400_000)).toBe('4h');
    expect(formatBoundMs(500)).toBe('500ms');
    expect(formatBoundMs(1500)).toBe('1.5s');
    expect(formatBoundMs(90_500)).toBe('90.5s');
  });

  it('writes measured durations', () => {
    expect(formatMeasuredMs(0)).toBe('0s');
    expect(formatMeasuredMs(0.25)).toBe('0.25ms');
    expect(formatMeasuredMs(6420)).toBe('6.42s');
    expect(formatMeasuredMs(125_000)).toBe('2m 05s');
  });

  it('rounds percentages toward the side that keeps the comparison honest', () => {
    expect(formatPercent(99.5)).toBe('99.5%');
    expect(formatPercent(99.4999)).toBe('99.499%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(5.0001, 'up')).toBe('5.001%');
    expect(formatPercent(1.2, 'up')).toBe('1.2%');
    expect(trimNumber(1.5, 3)).toBe('1.5');
  });
});

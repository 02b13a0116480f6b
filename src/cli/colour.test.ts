import { describe, expect, it } from 'vitest';
import { colourEnabled, paint } from './colour.js';

describe('colour', () => {
  it('is on for a terminal unless NO_COLOR is set; FORCE_COLOR wins either way', () => {
    expect(colourEnabled({}, true)).toBe(true);
    expect(colourEnabled({}, false)).toBe(false);
    expect(colourEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colourEnabled({ NO_COLOR: '' }, true)).toBe(true);
    expect(colourEnabled({ TERM: 'dumb' }, true)).toBe(false);
    expect(colourEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colourEnabled({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
    expect(colourEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
  });

  it('wraps text in an escape sequence only when on', () => {
    expect(paint(false, 'pass', 'PASS')).toBe('PASS');
    expect(paint(true, 'fail', 'FAIL')).toBe('\x1b[1;31mFAIL\x1b[0m');
  });
});

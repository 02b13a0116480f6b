import { describe, expect, it } from 'vitest';
import { fillRuntimeVariables } from './targets.js';

describe('run-time variables', () => {
  it('fills ${SANDBOX_…} in nested strings and leaves everything else alone', () => {
    const filled = fillRuntimeVariables(
      { api: { url: '${SANDBOX_API_URL}/health', n: 3 }, list: ['${SANDBOX_URL}', '${HOME}'] },
      { SANDBOX_API_URL: 'http://127.0.0.1:1234', SANDBOX_URL: 'http://127.0.0.1:9' },
    );
    expect(filled).toEqual({
      api: { url: 'http://127.0.0.1:1234/health', n: 3 },
      list: ['http://127.0.0.1:9', '${HOME}'],
    });
  });

  it('explains a missing database URL', () => {
    expect(() => fillRuntimeVariables({ url: '${SANDBOX_DATABASE_URL}' }, {})).toThrow(
      /SANDBOX_DATABASE_URL\} is not available/,
    );
  });
});

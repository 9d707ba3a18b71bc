import { describe, expect, it } from 'vitest';
import { oneLine } from './one-line.js';

describe('oneLine', () => {
  it('writes line breaks and tabs as escapes and leaves the rest', () => {
    expect(oneLine('a\nb\r\nc\td\u2028e\u0085f')).toBe('a\\nb\\r\\nc\\td\\u2028e\\u0085f');
    expect(oneLine('libc6 2.36-9+deb12u4 ✓')).toBe('libc6 2.36-9+deb12u4 ✓');
  });
});

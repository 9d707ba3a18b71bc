import { describe, expect, it } from 'vitest';
import { oneLine, truncate } from './one-line.js';

describe('oneLine', () => {
  it('writes line breaks and tabs as escapes and leaves the rest', () => {
    expect(oneLine('a\nb\r\nc\td\u2028e\u0085f')).toBe('a\\nb\\r\\nc\\td\\u2028e\\u0085f');
    expect(oneLine('libc6 2.36-9+deb12u4 ✓')).toBe('libc6 2.36-9+deb12u4 ✓');
  });
});

describe('truncate', () => {
  it('keeps a short text, cuts a long one to the width with an ellipsis, and makes white space one space', () => {
    expect(truncate('1.2.3', 5)).toBe('1.2.3');
    expect(truncate('1.2.3-beta', 5)).toBe('1.2.…');
    expect(truncate(' a \n  b ', 10)).toBe('a b');
  });
});

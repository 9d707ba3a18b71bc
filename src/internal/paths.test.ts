import { describe, expect, it } from 'vitest';
import { isInside } from './paths.js';

describe('isInside', () => {
  it('is true for the root and what lies below it, by path', () => {
    expect(isInside('/p', '/p')).toBe(true);
    expect(isInside('/p/a/b.js', '/p')).toBe(true);
    expect(isInside('/p/..env', '/p')).toBe(true);
    expect(isInside('/p/a/../b', '/p')).toBe(true);
  });

  it('is false for the parent, a sibling and what leaves through ..', () => {
    expect(isInside('/', '/p')).toBe(false);
    expect(isInside('/q', '/p')).toBe(false);
    expect(isInside('/pq', '/p')).toBe(false);
    expect(isInside('/p/../q', '/p')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { formatBytes, megabytes } from './output.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1536, '1.5 kB'],
    [45_200_000, '45.2 MB'],
    [3.2e12, '3.2 TB'],
    [5e15, '5000.0 TB'],
  ])('%d bytes → %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});

describe('megabytes', () => {
  it('prints one decimal of decimal megabytes', () => {
    expect(megabytes(0)).toBe('0.0 MB');
    expect(megabytes(43_049_999)).toBe('43.0 MB');
  });
});

import { describe, expect, it } from 'vitest';
import { compareVersions, satisfies } from './debian-version.js';

describe('compareVersions (deb-version(7) ordering)', () => {
  const ascending = [
    ['1.0~rc1', '1.0'],
    ['1.0', '1.0-1'],
    ['1.0-1', '1.0-1+deb12u1'],
    ['1.0a', '1.0+'],
    ['1.9', '1.10'],
    ['2.36-9+deb12u9', '2.36-9+deb12u14'],
    ['9.0', '1:0.1'],
    ['1.0~~', '1.0~'],
    ['12.2.0-14', '12.2.0-14+deb12u1'],
    ['3.0.11-1~deb12u2', '3.0.11-1'],
  ] as const;
  it.each(ascending)('%s < %s', (a, b) => {
    expect(compareVersions(a, b)).toBeLessThan(0);
    expect(compareVersions(b, a)).toBeGreaterThan(0);
  });
  it('treats equal versions (and a missing epoch as 0) as equal', () => {
    expect(compareVersions('0:1.2-3', '1.2-3')).toBe(0);
    expect(compareVersions('1.02', '1.2')).toBe(0);
  });
  it('checks relations', () => {
    expect(satisfies('2.36-9', '>=', '2.34')).toBe(true);
    expect(satisfies('2.36-9', '<<', '2.36-9')).toBe(false);
    expect(satisfies('2.36-9', '<=', '2.36-9')).toBe(true);
    expect(satisfies('2.36-9', '=', '2.36-9')).toBe(true);
    expect(satisfies('2.36-9', '>>', '2.36')).toBe(true);
  });
});

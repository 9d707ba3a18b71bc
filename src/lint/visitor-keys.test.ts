import { describe, expect, it } from 'vitest';
import { ShipshapeError } from '../internal/errors.js';
import { checkedVisitorKeys, maxVisitorKeys, visitorKeys } from './visitor-keys.js';

const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => `Key${String(i)}`);

describe('visitor keys', () => {
  it('are few enough for the engine bit masks, each once', () => {
    expect(maxVisitorKeys).toBe(31);
    expect(visitorKeys.length).toBeLessThanOrEqual(maxVisitorKeys);
    expect(new Set(visitorKeys).size).toBe(visitorKeys.length);
  });

  it('31 keys pass; a 32nd is an internal error naming the limit', () => {
    expect(checkedVisitorKeys(keys(31))).toHaveLength(31);
    expect(() => checkedVisitorKeys(keys(32))).toThrow(ShipshapeError);
    expect(() => checkedVisitorKeys(keys(32))).toThrow('the lint engine has 32 visitor keys, more than the 31 its 32-bit visitor masks can hold');
    let caught: unknown;
    try {
      checkedVisitorKeys(keys(40));
    } catch (error) {
      caught = error;
    }
    expect(caught instanceof ShipshapeError ? caught.code : caught).toBe('internal');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { repeatable, sourceDateEpochFlag } from './runtime.js';

describe('sourceDateEpochFlag', () => {
  const saved = process.env.SOURCE_DATE_EPOCH;
  afterEach(() => {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  });

  it('takes the flag, else SOURCE_DATE_EPOCH, else nothing', () => {
    delete process.env.SOURCE_DATE_EPOCH;
    expect(sourceDateEpochFlag(undefined)).toBeUndefined();
    process.env.SOURCE_DATE_EPOCH = '';
    expect(sourceDateEpochFlag(undefined)).toBeUndefined();
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    expect(sourceDateEpochFlag(undefined)).toBe(1700000000);
    expect(sourceDateEpochFlag('0')).toBe(0);
  });

  it('refuses what is not a whole number of seconds, as a usage error naming the flag', () => {
    for (const bad of ['-1', '1.5', 'yesterday']) {
      expect(() => sourceDateEpochFlag(bad)).toThrow(`--source-date-epoch: "${bad}" is not a whole number of seconds`);
      const error = (() => {
        try {
          return sourceDateEpochFlag(bad);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toMatchObject({ code: 'usage' });
    }
  });
});

describe('repeatable', () => {
  it('keeps every value in order', () => {
    expect(['a', 'b'].reduce<string[]>((all, v) => repeatable(v, all), [])).toEqual(['a', 'b']);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogDirectory } from '../sbom/index.js';
import { exitCodeFor } from './errors.js';
import { parseSourceDateEpoch } from './source-date-epoch.js';

const saved = process.env.SOURCE_DATE_EPOCH;
afterEach(() => {
  if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
  else process.env.SOURCE_DATE_EPOCH = saved;
});

describe('SOURCE_DATE_EPOCH', () => {
  it('decimal digits only, up to 9999-12-31T23:59:59Z; empty is unset', () => {
    expect(parseSourceDateEpoch('1700000000')).toBe(1_700_000_000);
    expect(parseSourceDateEpoch('007')).toBe(7);
    expect(parseSourceDateEpoch('')).toBeUndefined();
    expect(parseSourceDateEpoch(undefined)).toBeUndefined();
    for (const bad of ['0x10', '1e3', ' 12 ', '-5', '1.5', '253402300800']) {
      expect(() => parseSourceDateEpoch(bad, '--source-date-epoch'), bad).toThrow(/^--source-date-epoch: /);
    }
  });

  it('an SBOM without a creation time of its own takes it, and refuses a malformed one (exit 2) instead of ignoring it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-sde-'));
    try {
      process.env.SOURCE_DATE_EPOCH = '1700000000';
      expect((await catalogDirectory(dir)).created).toBe('2023-11-14T22:13:20Z');
      process.env.SOURCE_DATE_EPOCH = '1e9';
      const error = await catalogDirectory(dir).catch((e: unknown) => e);
      expect(exitCodeFor(error)).toBe(2);
      expect((error as Error).message).toBe('SOURCE_DATE_EPOCH: "1e9" is not a whole number of seconds (decimal digits only)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

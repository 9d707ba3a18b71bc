import { describe, expect, it } from 'vitest';
import { randomIndex } from '../../testing/random-image.js';
import type { Platform } from '../types.js';
import { formatPlatform, parsePlatform, platformMatches, platformRank, selectPlatform } from './platform.js';

const p = parsePlatform;

describe('platform matching (containerd rules)', () => {
  it.each([
    // wanted, candidate, matches
    ['linux/amd64', 'linux/amd64', true],
    ['linux/amd64', 'linux/x86_64', true],
    ['linux/amd64', 'linux/amd64/v1', true],
    ['linux/amd64', 'linux/amd64/v2', true],
    ['linux/amd64', 'linux/amd64/v3', true],
    ['linux/amd64/v1', 'linux/amd64', true],
    ['linux/amd64/v1', 'linux/amd64/v2', false],
    ['linux/amd64/v3', 'linux/amd64/v2', true],
    ['linux/amd64/v3', 'linux/amd64', true],
    ['linux/amd64/v2', 'linux/amd64/v3', false],
    ['linux/amd64', 'linux/386', false],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/aarch64', 'linux/arm64/v8', true],
    ['linux/arm64/v8.2', 'linux/arm64', true],
    ['linux/arm64/v8', 'linux/arm64/v8.2', false],
    ['linux/arm64/v9', 'linux/arm64/v8.5', true],
    ['linux/arm64/v9', 'linux/arm64/v8.6', false],
    ['linux/arm64', 'linux/arm', false],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm/v7', 'linux/arm', true],
    ['linux/arm/v7', 'linux/arm/v6', true],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/armhf', 'linux/arm/v7', true],
    ['windows/amd64', 'linux/amd64', false],
  ])('%s accepts %s: %s', (wanted, candidate, matches) => {
    expect(platformMatches(p(wanted), p(candidate))).toBe(matches);
  });

  it('ranks the exact platform first, then the older variants, then (without a wanted variant) the newer ones oldest first', () => {
    const order = (wanted: string, candidates: string[]): string[] =>
      candidates
        .filter((c) => platformRank(p(wanted), p(c)) !== undefined)
        .sort((a, b) => (platformRank(p(wanted), p(a)) ?? 0) - (platformRank(p(wanted), p(b)) ?? 0));
    expect(order('linux/amd64', ['linux/amd64/v3', 'linux/amd64/v2', 'linux/amd64'])).toEqual(['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3']);
    expect(order('linux/amd64/v3', ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v4'])).toEqual(['linux/amd64/v2', 'linux/amd64']);
    expect(order('linux/arm', ['linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm/v8'])).toEqual(['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5', 'linux/arm/v8']);
  });
});

describe('selecting a platform from an index', () => {
  const pick = async (offered: Platform[], wanted: string): Promise<string> => {
    const index = await randomIndex(offered, { layers: 1, files: 1, fileSize: 8 });
    const image = await selectPlatform(index, p(wanted));
    const entry = index.manifest.manifests.find((d) => d.digest === image.digest);
    return entry?.platform ? formatPlatform(entry.platform) : 'none';
  };

  it('takes an amd64 entry that carries a variant for linux/amd64', async () => {
    expect(await pick([{ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'linux', architecture: 'amd64', variant: 'v2' }], 'linux/amd64')).toBe('linux/amd64/v2');
    expect(await pick([{ os: 'linux', architecture: 'amd64', variant: 'v3' }], 'linux/amd64')).toBe('linux/amd64/v3');
  });

  it('prefers the baseline over a newer variant listed first, and the best a newer CPU runs', async () => {
    const offered: Platform[] = [
      { os: 'linux', architecture: 'amd64', variant: 'v3' },
      { os: 'linux', architecture: 'amd64', variant: 'v2' },
      { os: 'linux', architecture: 'amd64' },
    ];
    expect(await pick(offered, 'linux/amd64')).toBe('linux/amd64');
    expect(await pick(offered, 'linux/amd64/v1')).toBe('linux/amd64');
    expect(await pick(offered, 'linux/amd64/v2')).toBe('linux/amd64/v2');
    expect(await pick(offered, 'linux/amd64/v4')).toBe('linux/amd64/v3');
    expect(await pick([{ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm', variant: 'v7' }], 'linux/arm')).toBe('linux/arm/v7');
    expect(await pick([{ os: 'linux', architecture: 'arm', variant: 'v6' }], 'linux/arm/v7')).toBe('linux/arm/v6');
    expect(await pick([{ os: 'linux', architecture: 'arm64' }], 'linux/arm64/v8')).toBe('linux/arm64');
  });

  it('names the platforms the index offers when none serves', async () => {
    const index = await randomIndex([{ os: 'linux', architecture: 'amd64', variant: 'v3' }, { os: 'linux', architecture: 'arm', variant: 'v6' }], { layers: 1, files: 1, fileSize: 8 });
    await expect(selectPlatform(index, p('linux/amd64/v2'))).rejects.toMatchObject({
      code: 'not-found',
      message: `index ${index.digest}: has no image for linux/amd64/v2 (it offers linux/amd64/v3, linux/arm/v6)`,
    });
    await expect(selectPlatform(index, p('linux/arm64'), 'image "x"')).rejects.toThrow('image "x": has no image for linux/arm64 (it offers linux/amd64/v3, linux/arm/v6)');
  });
});

import { describe, expect, it } from 'vitest';
import { buildImage } from '../testing/images.js';
import { analyzeImage } from './engine.js';
import { evaluateGate, parseByteSize, parseDiveCi, parseRatio } from './gate.js';

describe('gate', () => {
  it('parses sizes and ratios as dive writes them', () => {
    expect(parseByteSize('20MB')).toBe(20_000_000);
    expect(parseByteSize('1.5GiB')).toBe(1_610_612_736);
    expect(parseByteSize('1000')).toBe(1000);
    expect(parseByteSize(42)).toBe(42);
    expect(() => parseByteSize('lots')).toThrow(/"lots" is not a size/);
    expect(parseRatio('95%')).toBeCloseTo(0.95);
    expect(parseRatio(0.2)).toBe(0.2);
    // `--max-wasted-percent 10` meant as 10% would be a limit of 1000% that never fails
    expect(() => parseRatio(10, '--max-wasted-percent')).toThrow(/^--max-wasted-percent: 10 is not a ratio between 0 and 1/);
    expect(() => parseRatio('150%')).toThrow(/150% is not a ratio between 0 and 1/);
    expect(() => parseRatio(Number.NaN)).toThrow(/not a ratio/);
    // a flag's value is a string: decimal digits only, never Number()'s reading of "", "0x1" or "abc"
    expect(parseRatio('0.95')).toBe(0.95);
    for (const bad of ['', ' ', '0x1', 'abc', '1e-1', 'Infinity']) expect(() => parseRatio(bad)).toThrow(`"${bad}" is not a ratio such as 0.9 or 90%`);
  });

  it('reads .dive-ci rules and refuses unknown values', () => {
    expect(parseDiveCi('rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: disabled\n', '.dive-ci')).toEqual({
      lowestEfficiency: 0.95,
      highestWastedBytes: '20MB',
      highestUserWastedPercent: 'disabled',
    });
    expect(() => parseDiveCi('rules:\n  lowestEfficiency: lots\n', '.dive-ci')).toThrow(/^\.dive-ci: "rules\.lowestEfficiency"/);
    expect(() => parseDiveCi('- rules\n', '.dive-ci')).toThrow(/^\.dive-ci: "\(root\)": Invalid input: expected object, received array$/);
  });

  it('lists every threshold that failed', async () => {
    const image = await buildImage({
      layers: [
        [{ path: 'big', size: 5000 }, { path: 'app/.git/HEAD', size: 10 }],
        [{ path: 'big', type: 'whiteout' }],
      ],
    });
    const { report } = await analyzeImage(image);
    const gate = evaluateGate(
      report,
      { maxSize: 5, minEfficiency: 0.9, maxWastedBytes: '1kB', maxWastedPercent: '50%', forbidRoot: true, forbidCategories: ['vcs', 'docs'] },
      { lowestEfficiency: 0.9, highestWastedBytes: 'disabled' },
    );
    expect(gate.enabled).toBe(true);
    expect(gate.passed).toBe(false);
    expect(gate.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual([
      'maxSize',
      'minEfficiency',
      'maxWastedBytes',
      'maxWastedPercent',
      'forbidRoot',
      'forbidCategories:vcs',
      // dive: `big` is seen twice (5000 + 0 for the file whiteout) → efficiency 10 / 5010 fails 0.9
      'dive.lowestEfficiency',
    ]);
    expect(gate.checks.find((c) => c.id === 'forbidCategories:docs')?.passed).toBe(true);
    expect(gate.checks.find((c) => c.id === 'dive.lowestEfficiency')?.actual).toBe(`${((10 / 5010) * 100).toFixed(2)}%`);
    expect(evaluateGate(report).enabled).toBe(false);
    expect(evaluateGate(report, { maxSize: '1MB' }).passed).toBe(true);
    // small sizes read as docker prints them, and a near miss shows the exact bytes rather than "0.00 MB exceeds 0.00 MB"
    expect(gate.checks.find((c) => c.id === 'maxWastedBytes')?.message).toBe('wasted 5.0 kB exceeds maxWastedBytes 1.0 kB');
    expect(evaluateGate(report, { maxWastedBytes: 4990 }).checks[0]?.message).toBe('wasted 5.0 kB (5000 bytes) exceeds maxWastedBytes 5.0 kB (4990 bytes)');
    // a misspelt category (`vsc`) holds nothing and would pass on every image: it is refused
    expect(() => evaluateGate(report, { forbidCategories: ['vsc'] })).toThrow(/^analyze\.thresholds\.forbidCategories: "vsc" is not a removable category \(dev-dependencies, package-manager-cache, vcs, /);
  });
});

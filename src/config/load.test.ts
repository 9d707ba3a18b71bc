import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShipshapeError } from '../internal/errors.js';
import { loadConfig } from './load.js';
import { parseConfig } from './parse.js';

describe('config', () => {
  it('applies defaults', () => {
    const c = parseConfig('', 'x.yaml');
    expect(c.engine.cli).toBe('docker');
    expect(c.offline).toBe(false);
  });

  it('reads engine settings', () => {
    const c = parseConfig('engine:\n  cli: /usr/bin/docker\n  network: host\noffline: true\n', 'x.yaml');
    expect(c.engine).toEqual({ cli: '/usr/bin/docker', network: 'host' });
    expect(c.offline).toBe(true);
  });

  it('names an unknown key with its path', () => {
    expect(() => parseConfig('engine:\n  netwrok: host\n', '/p/.shipshape.yaml')).toThrow('/p/.shipshape.yaml: unknown key "engine.netwrok"');
  });

  it('names a field of the wrong type', () => {
    expect(() => parseConfig('offline: "yes"\n', 'c.yaml')).toThrow(/c\.yaml: "offline": /);
  });

  it('names a gate value that is no size or ratio in words of its own field', () => {
    // YAML's .nan, a fraction of a byte and a boolean fit neither the number nor the string form of the field
    const cases: [string, string][] = [
      ['analyze:\n  thresholds:\n    minEfficiency: .nan\n', '"analyze.thresholds.minEfficiency": a ratio 0–1 or a percentage such as 10%'],
      ['analyze:\n  thresholds:\n    maxWastedPercent: abc\n', '"analyze.thresholds.maxWastedPercent": a ratio 0–1 or a percentage such as 10%'],
      ['analyze:\n  thresholds:\n    maxSize: 1.5\n', '"analyze.thresholds.maxSize": a size such as 200MB, 1.5GiB or 1000'],
      ['analyze:\n  thresholds:\n    maxWastedBytes: true\n', '"analyze.thresholds.maxWastedBytes": a size such as 200MB, 1.5GiB or 1000'],
      ['analyze:\n  dive:\n    lowestEfficiency: .nan\n', '"analyze.dive.lowestEfficiency": a ratio 0–1 or a percentage such as 10%, or disabled'],
      ['analyze:\n  dive:\n    highestWastedBytes: .inf\n', '"analyze.dive.highestWastedBytes": a size such as 200MB, 1.5GiB or 1000, or disabled'],
      // a value of the number form keeps that form's reason
      ['analyze:\n  thresholds:\n    maxWastedPercent: 10\n', '"analyze.thresholds.maxWastedPercent": Too big: expected number to be <=1'],
    ];
    for (const [yaml, message] of cases) expect(() => parseConfig(yaml, 'c.yaml')).toThrow(`c.yaml: ${message}`);
  });

  it('reports YAML syntax errors with a line', () => {
    try {
      parseConfig('engine:\n  cli: [\n', 'c.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShipshapeError);
      expect((e as ShipshapeError).code).toBe('invalid-input');
      expect((e as Error).message).toMatch(/^c\.yaml:\d+: invalid YAML/);
    }
  });

  it('is found from a subdirectory upward, and resolves cacheDir from it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-config-'));
    await writeFile(join(root, '.shipshape.yaml'), 'cacheDir: cache\n');
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    const loaded = await loadConfig({ cwd: join(root, 'a', 'b') });
    expect(loaded.path).toBe(join(root, '.shipshape.yaml'));
    expect(loaded.cacheDir).toBe(join(root, 'cache'));
  });
});

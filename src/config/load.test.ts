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

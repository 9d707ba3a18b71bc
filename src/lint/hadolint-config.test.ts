import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readHadolintConfig } from './hadolint-config.js';

describe('readHadolintConfig', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function configFile(text: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-hadolint-'));
    made.push(dir);
    const path = join(dir, '.hadolint.yaml');
    await writeFile(path, text);
    return path;
  }

  it('names the field of a wrong value, and "(root)" when the top level is not a mapping', async () => {
    const wrongField = await configFile('ignored: DL3008\n');
    expect(() => readHadolintConfig(wrongField)).toThrow(`${wrongField}: ignored: Invalid input: expected array, received string`);
    const list = await configFile('- DL3008\n');
    expect(() => readHadolintConfig(list)).toThrow(`${list}: (root): Invalid input: expected object, received array`);
  });
});

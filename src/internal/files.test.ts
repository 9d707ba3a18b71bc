import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes the file, making its folder, and leaves nothing else', async () => {
    const path = join(dir, 'a', 'b', 'lock.json');
    await writeFileAtomic(path, '{}\n');
    await writeFileAtomic(path, '{"v":2}\n');
    expect(await readFile(path, 'utf8')).toBe('{"v":2}\n');
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['lock.json']);
  });

  it('leaves no temp file when the rename fails', async () => {
    // a directory in the way: the write succeeds, the rename over it does not
    const path = join(dir, 'taken');
    await mkdir(join(path, 'inside'), { recursive: true });
    await expect(writeFileAtomic(path, 'data')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) as unknown });
    expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });
});

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoundedText, writeFileAtomic } from './files.js';

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

describe('readBoundedText', () => {
  it('reads a file up to the bound whole, and refuses a larger one before reading it, naming the file', async () => {
    const path = join(dir, 'doc.json');
    await writeFile(path, '{"a": "é"}');
    expect(await readBoundedText(path, 11, 'a document')).toBe('{"a": "é"}');
    await expect(readBoundedText(path, 10, 'a document')).rejects.toMatchObject({ code: 'invalid-input', message: `${path}: 11 bytes: larger than the ${10 / 1024 / 1024} MiB a document may be` });
    // sparse: no disk used
    await truncate(path, 65 * 1024 * 1024);
    await expect(readBoundedText(path, 64 * 1024 * 1024, 'a baseline')).rejects.toThrow(`${path}: 68157440 bytes: larger than the 64 MiB a baseline may be`);
    expect(await readBoundedText(join(dir, 'empty'), 1, 'x').catch((error: unknown) => error)).toMatchObject({ code: 'not-found', message: `reading ${join(dir, 'empty')}: no such file or directory` });
  });

  it('refuses a folder or a FIFO as not a file, without waiting for a FIFO writer', async () => {
    await expect(readBoundedText(dir, 1024, 'a baseline')).rejects.toMatchObject({ code: 'invalid-input', message: `${dir}: not a file` });
    const fifo = join(dir, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    await expect(readBoundedText(fifo, 1024, 'a baseline')).rejects.toThrow(`${fifo}: not a file`);
  });
});

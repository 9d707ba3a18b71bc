import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShipshapeError } from '../internal/errors.js';
import { readDockerfile } from './read.js';

describe('readDockerfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-read-'));

  it('reads and parses a file, keeping a byte-order mark in the source', async () => {
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, '\uFEFFFROM alpine\n');
    const df = await readDockerfile(file);
    expect(df.stages[0]?.base).toBe('alpine');
    expect(df.source).toBe('\uFEFFFROM alpine\n');
  });

  it('throws one-line ShipshapeErrors for missing, binary, non-UTF-8 files and directories', async () => {
    await expect(readDockerfile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'not-found' });
    const bin = join(dir, 'bin');
    writeFileSync(bin, Buffer.from([0x46, 0x00, 0x01]));
    await expect(readDockerfile(bin)).rejects.toThrow(/NUL byte/);
    const latin = join(dir, 'latin1');
    writeFileSync(latin, Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xe9, 0x0a]));
    await expect(readDockerfile(latin)).rejects.toThrow(/not UTF-8/);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const error = await readDockerfile(sub).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('invalid-input');
  });

  it('refuses a FIFO in place of the Dockerfile instead of waiting for a writer', async () => {
    const fifo = join(dir, 'fifo.Dockerfile');
    execFileSync('mkfifo', [fifo]);
    await expect(readDockerfile(fifo)).rejects.toThrow(`${fifo}: not a regular file`);
  }, 5000);
});

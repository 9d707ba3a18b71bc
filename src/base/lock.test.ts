import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLock } from './lock.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readLock', () => {
  it('names the file and the field of a bad lock file on one line', async () => {
    const path = join(dir, 'base.lock.json');
    await writeFile(path, '[]');
    await expect(readLock(path)).rejects.toThrow(`${path}: not a base lock file: field "(root)": Invalid input: expected object, received array`);
    await writeFile(path, JSON.stringify({ lockfileVersion: 1, preset: 'static', architecture: 'amd64', extraPackages: [], packages: [{ name: 'x' }] }));
    await expect(readLock(path)).rejects.toThrow(`${path}: not a base lock file: field "packages.0.version": `);
    await writeFile(path, '{"lockfileVersion": 1');
    await expect(readLock(path)).rejects.toThrow(`${path}: not JSON (Expected ',' or '}' after property value in JSON at position 21)`);
    await expect(readLock(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'not-found' });
  });
});

/** The text report of `shipshape context`: counts read as English, one pattern or file as well as several. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { context } from '../../api/context.js';
import { colors } from '../output.js';
import { render } from './context.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-context-text-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const summary = async (dir: string): Promise<string[]> => render({ c: colors(false) }, await context({ dir }), false).split('\n').slice(1, 3);

describe('context text report', () => {
  it('says "1 pattern excludes … in 1 file" for one, and the plural for several', async () => {
    const one = await project({ Dockerfile: 'FROM scratch\n', '.dockerignore': 'notes.txt\n', 'notes.txt': 'abc' });
    expect(await summary(one)).toEqual(['  sent to the engine: 23 B in 2 files', '  without .dockerignore: 26 B in 3 files  (1 pattern excludes 3 B in 1 file)']);
    const two = await project({ Dockerfile: 'FROM scratch\n', '.dockerignore': 'a.txt\nb.txt\n', 'a.txt': 'a', 'b.txt': 'b' });
    expect(await summary(two)).toEqual(['  sent to the engine: 25 B in 2 files', '  without .dockerignore: 27 B in 4 files  (2 patterns exclude 2 B in 2 files)']);
  });
});

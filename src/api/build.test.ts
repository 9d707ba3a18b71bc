import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../internal/events.js';
import { build } from './build.js';

describe('build', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  /** A Node.js project with nothing to install, and where a build of it would write. */
  async function project(): Promise<{ work: string; request: { dir: string; outputImage: string; cacheDir: string } }> {
    const work = await mkdtemp(join(tmpdir(), 'shipshape-build-api-'));
    made.push(work);
    const dir = join(work, 'app');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', main: 'index.js' }));
    await writeFile(join(dir, 'index.js'), 'console.log("hi");\n');
    return { work, request: { dir, outputImage: `oci:${join(work, 'out')}:app`, cacheDir: join(work, 'cache') } };
  }

  // EACCES is not tested: these tests run as root, whom file permissions do not stop from reading
  describe('--node-binary that is not a readable file', () => {
    it('is "no such file" when it does not exist', async () => {
      const { work, request } = await project();
      const nodeBinary = join(work, 'absent');
      await expect(build({ ...request, ports: [], nodeBinary })).rejects.toMatchObject({ code: 'invalid-input', message: `--node-binary ${nodeBinary}: no such file` });
    });

    it('names a directory as one', async () => {
      const { work, request } = await project();
      await expect(build({ ...request, ports: [], nodeBinary: work })).rejects.toMatchObject({ code: 'invalid-input', message: `--node-binary ${work}: is a directory, not a Node.js binary` });
    });

    it('gives the reason it cannot be read otherwise', async () => {
      const { work, request } = await project();
      const nodeBinary = join(work, 'loop');
      await symlink(nodeBinary, nodeBinary);
      await expect(build({ ...request, ports: [], nodeBinary })).rejects.toMatchObject({ code: 'invalid-input', message: `--node-binary ${nodeBinary}: cannot be read: too many symbolic links encountered` });
    });
  });

  it('interrupted while the preset base is assembled: the base build stops before reading any index, nothing is written', async () => {
    const { work, request } = await project();
    const controller = new AbortController();
    const seen: string[] = [];
    const events = (e: ProgressEvent): void => {
      if (e.kind !== 'task-start') return;
      seen.push(e.id);
      if (e.id === 'build-base') controller.abort(new Error('interrupted by SIGINT'));
    };
    await expect(build({ ...request, ports: [], events, signal: controller.signal })).rejects.toThrow('interrupted by SIGINT');
    expect(seen).toEqual(['build-base']);
    // no cached base, no image
    expect(await readdir(work)).toEqual(['app']);
  });
});

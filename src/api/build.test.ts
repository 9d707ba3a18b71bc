import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeLayoutDir } from '../image/layout/write.js';
import { dockerArchiveStream } from '../image/tarball/write.js';
import type { ProgressEvent } from '../internal/events.js';
import { buildImage, layerTar } from '../testing/images.js';
import { configSchema, type Config } from '../config/schema.js';
import { build, type BuildRequest, type BuildSession, buildIn, presetBaseCache } from './build.js';

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

  /** A project whose `nodejs` base is already cached (a small stand-in), and the sizes file of that base. */
  async function cachedBase(): Promise<{ request: Awaited<ReturnType<typeof project>>['request'] & { nodeBinary: string; config: Config }; sizesFile: string; sizes: Record<string, number> }> {
    const { work, request } = await project();
    const nodeBinary = join(work, 'node');
    await writeFile(nodeBinary, 'a stand-in: the base is cached, so it is never read');
    const files = [{ path: 'etc/passwd', content: 'root:x:0:0:root:/root:/sbin/nologin\n' }];
    const base = await buildImage({ layers: [files], config: { Env: ['PATH=/usr/bin'] } });
    // offline (below), a build takes the base cached last for its recipe, whatever archive state it came from
    const { dir } = await presetBaseCache('nodejs', 'amd64', { ...request, nodeBinary }, 'a'.repeat(64));
    await writeLayoutDir(dir, { kind: 'image', image: base }, { tag: 'base' });
    const sizes = { [base.layers[0]?.diffId ?? '']: (await layerTar(files)).length };
    return { request: { ...request, nodeBinary, config: configSchema.parse({ offline: true }) }, sizesFile: join(dir, 'shipshape-sizes.json'), sizes };
  }

  describe('build --watch on a base named by reference (`--base IMAGE`): asked again after base.recheckAfter', () => {
    /** A project built on `oci:LAYOUT:base`, the tag first on one small image, and another image to move it to. */
    async function onTaggedBase(recheckAfter: number): Promise<{ layout: string; first: string; second: () => Promise<string>; logs: { level: string; message: string }[]; request: BuildRequest }> {
      const { work, request } = await project();
      const layout = join(work, 'bases');
      const first = await buildImage({ layers: [[{ path: 'etc/os-release', content: 'ID=first\n' }]] });
      const second = await buildImage({ layers: [[{ path: 'etc/os-release', content: 'ID=second\n' }]] });
      await writeLayoutDir(layout, { kind: 'image', image: first }, { tag: 'base' });
      const logs: { level: string; message: string }[] = [];
      const events = (e: ProgressEvent): void => {
        if (e.kind === 'log' && e.level !== 'debug') logs.push({ level: e.level, message: e.message });
      };
      const moveTag = async (): Promise<string> => {
        await writeLayoutDir(layout, { kind: 'image', image: second }, { tag: 'base' });
        return second.digest;
      };
      return { layout, first: first.digest, second: moveTag, logs, request: { ...request, ports: [], base: `oci:${layout}:base`, config: configSchema.parse({ base: { recheckAfter } }), events } };
    }

    /** The base digest of each build of one resident session (as `--watch` runs them), `between[i]` run after build i. */
    async function session(request: BuildRequest, between: (() => Promise<unknown>)[]): Promise<string[]> {
      const held: BuildSession = {};
      try {
        const bases = [(await buildIn(held, request)).base.digest];
        for (const step of between) {
          await step();
          bases.push((await buildIn(held, request)).base.digest);
        }
        return bases;
      } finally {
        await held.ctx?.close();
        await held.base?.close();
      }
    }

    it('past it, the rebuild after the tag moved builds on the image it names now, and says so; within it, keeps the base it opened', async () => {
      const asking = await onTaggedBase(0);
      let moved = '';
      // the third build: the tag stays, the base too, without a word
      const bases = await session(asking.request, [async () => (moved = await asking.second()), () => Promise.resolve()]);
      expect(bases).toEqual([asking.first, moved, moved]);
      expect(asking.logs).toEqual([{ level: 'info', message: `the base oci:${asking.layout}:base moved: ${asking.first} → ${moved}` }]);

      const keeping = await onTaggedBase(3600);
      expect(await session(keeping.request, [keeping.second])).toEqual([keeping.first, keeping.first]);
      expect(keeping.logs).toEqual([]);
    });

    it('a source that cannot be asked keeps the base opened before, with a warning, and is asked again by the next build', async () => {
      const failing = await onTaggedBase(0);
      const index = join(failing.layout, 'index.json');
      let moved = '';
      const bases = await session(failing.request, [
        () => rename(index, `${index}.away`),
        async () => {
          await rename(`${index}.away`, index);
          moved = await failing.second();
        },
      ]);
      expect(bases).toEqual([failing.first, failing.first, moved]);
      expect(failing.logs).toEqual([
        { level: 'warn', message: expect.stringMatching(new RegExp(`^checking the base oci:${failing.layout}:base again: .*index\\.json.*; building on the base opened before$`)) as unknown },
        { level: 'info', message: `the base oci:${failing.layout}:base moved: ${failing.first} → ${moved}` },
      ]);
    });

    it('a base in the engine is asked by an inspect, and exported again only once its tag moved; one pinned by digest is never asked again', async () => {
      const { work, request } = await project();
      const images = [await buildImage({ layers: [[{ path: 'etc/os-release', content: 'ID=first\n' }]] }), await buildImage({ layers: [[{ path: 'etc/os-release', content: 'ID=second\n' }]] })];
      let tagged = 0;
      const asked: string[] = [];
      // just enough of the Engine API: the version handshake, inspect (the image ID is the config's digest) and export
      const engine = createServer((req, res) => {
        const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0] ?? '';
        const image = images[tagged];
        if (path === '/_ping') res.writeHead(200, { 'API-Version': '1.41' }).end('OK');
        else if (path === '/version') res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Version: '20.10.24', ApiVersion: '1.41' }));
        else if (image !== undefined && path === '/images/get') {
          asked.push('export');
          res.writeHead(200, { 'Content-Type': 'application/x-tar' });
          dockerArchiveStream([{ image, tags: ['app:1'] }]).pipe(res);
        } else if (image !== undefined && path.endsWith('/json')) {
          asked.push('inspect');
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Id: image.manifest.config.digest }));
        } else res.writeHead(404).end('{"message":"no such endpoint"}');
      });
      const socket = join(work, 'engine.sock');
      await new Promise<void>((resolve) => engine.listen(socket, resolve));
      try {
        const config = configSchema.parse({ cacheDir: join(work, 'cache'), engine: { host: `unix://${socket}` }, base: { recheckAfter: 0 } });
        const tag = await session({ ...request, ports: [], config, base: 'docker-daemon:app:1' }, [() => Promise.resolve(), () => Promise.resolve((tagged = 1))]);
        expect(tag[1]).toBe(tag[0]);
        expect(tag[2]).not.toBe(tag[0]);
        expect(asked).toEqual(['export', 'inspect', 'inspect', 'export']);

        asked.length = 0;
        const pinned = await session({ ...request, ports: [], config, base: `docker-daemon:app@${images[1]?.digest ?? ''}` }, [() => Promise.resolve((tagged = 0))]);
        expect(pinned[1]).toBe(pinned[0]);
        expect(asked).toEqual(['export']);
      } finally {
        await new Promise((resolve) => engine.close(resolve));
      }
    });
  });

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

  describe('the layer sizes kept beside a cached base (shipshape-sizes.json)', () => {
    it('a damaged one is recomputed and written again with a warning naming it, and the build goes on', async () => {
      for (const damage of ['garbage{', '[1, 2]', '{"sha256:0": 1}', '{"sha256:0": -1}']) {
        const { request, sizesFile, sizes } = await cachedBase();
        await writeFile(sizesFile, damage);
        const events: ProgressEvent[] = [];
        const report = await build({ ...request, ports: [], events: (e) => events.push(e) });
        const warnings = events.filter((e) => e.kind === 'log' && e.level === 'warn').map((e) => (e.kind === 'log' ? e.message : ''));
        expect(warnings, damage).toEqual([expect.stringMatching(new RegExp(`^cached base: ${sizesFile}: .*; recomputed the layer sizes$`))]);
        expect(report.layers[0], damage).toMatchObject({ role: 'base', uncompressedSize: Object.values(sizes)[0] });
        expect(JSON.parse(await readFile(sizesFile, 'utf8')), damage).toEqual(sizes);
      }
    });

    it('a missing one is recomputed without a warning; a sound one is read as it is', async () => {
      const { request, sizesFile, sizes } = await cachedBase();
      const events: ProgressEvent[] = [];
      const report = await build({ ...request, ports: [], events: (e) => events.push(e) });
      expect(events.filter((e) => e.kind === 'log' && e.level === 'warn')).toEqual([]);
      expect(report.layers[0]).toMatchObject({ role: 'base', uncompressedSize: Object.values(sizes)[0] });
      expect(JSON.parse(await readFile(sizesFile, 'utf8'))).toEqual(sizes);
      // the file is what the report reads: a (wrong but well-formed) size in it is believed
      const believed = Object.fromEntries(Object.keys(sizes).map((k) => [k, 12345]));
      await writeFile(sizesFile, JSON.stringify(believed));
      expect((await build({ ...request, ports: [] })).layers[0]).toMatchObject({ uncompressedSize: 12345 });
    });
  });

  it('a build using a cached base removes bases of other recipes unused for longer than base.keepUnused; offline, it removes nothing', async () => {
    const { request } = await cachedBase();
    const { dir } = await presetBaseCache('nodejs', 'amd64', request, 'a'.repeat(64));
    const bases = dirname(dir);
    // the archive named this base a moment ago (base.recheckAfter): the build takes it without a request
    await writeFile(`${(await presetBaseCache('nodejs', 'amd64', request, undefined)).dir}checked`, `${basename(dir)}\n`);
    // a base of an older Node.js binary, last used 31 days ago
    const stale = `nodejs-${'2'.repeat(32)}-${'b'.repeat(32)}`;
    await mkdir(join(bases, stale));
    await writeFile(join(bases, stale, 'index.json'), '{}');
    const monthAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    await utimes(join(bases, stale), monthAgo, monthAgo);
    const entries = async (): Promise<string[]> => (await readdir(bases)).filter((n) => !n.startsWith('.') && !n.endsWith('checked')).sort();
    // offline (the request's config): the stale base could not be assembled again, so it stays
    await build({ ...request, ports: [] });
    expect(await entries()).toEqual([basename(dir), stale].sort());
    await build({ ...request, ports: [], config: configSchema.parse({ base: { keepUnused: 0 } }) });
    expect(await entries()).toEqual([basename(dir), stale].sort());
    await utimes(dir, monthAgo, monthAgo);
    const events: ProgressEvent[] = [];
    await build({ ...request, ports: [], config: configSchema.parse({}), events: (e) => events.push(e) });
    expect(await entries()).toEqual([basename(dir)]);
    expect(events.some((e) => e.kind === 'log' && e.message === `removed cached bases replaced or unused for over 2592000 s: ${stale}`)).toBe(true);
    // the base it used is recorded as used just now
    expect((await stat(dir)).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it('warns when the search for workspace members stopped at its bound, as init notes it', async () => {
    const { request } = await cachedBase();
    await writeFile(join(request.dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', main: 'index.js', workspaces: ['packages/**'] }));
    // 20,000 entries (what the search reads) in a folder its `**` walks, and a folder below it left unread
    const filler = join(request.dir, 'packages/filler');
    await mkdir(join(filler, 'unread'), { recursive: true });
    for (let i = 0; i < 20_000; i++) writeFileSync(join(filler, `f${i}`), '');
    const events: ProgressEvent[] = [];
    await build({ ...request, ports: [], events: (e) => events.push(e) });
    const warnings = events.filter((e) => e.kind === 'log' && e.level === 'warn').map((e) => (e.kind === 'log' ? e.message : ''));
    expect(warnings).toEqual([`${join(request.dir, 'package.json')}: the search for workspace members stopped after 20000 folder entries; members in the folders left unread are not listed, and their package.json is not copied for the install`]);
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
    // no cached base, no image: the cache holds only the marks of the InRelease files verified before the interrupt
    expect(await readdir(work)).toEqual(['app', 'cache']);
    expect(await readdir(join(work, 'cache'))).toEqual(['base']);
    expect(await readdir(join(work, 'cache', 'base'))).toEqual(['verified-releases']);
  });
});

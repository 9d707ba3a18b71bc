import { mkdtemp, mkdir, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { extract } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../image/blob.js';
import { mediaTypes } from '../image/media-types.js';
import type { Image, ImageConfig, Manifest } from '../image/types.js';
import { validateImage } from '../image/validate.js';
import { ShipshapeError } from '../internal/errors.js';
import type { EventSink } from '../internal/events.js';
import { buildNodeApp, type BuildResult } from './node.js';
import { dependencyClosure, projectPath, readProject } from './project.js';

/** An image without layers whose entrypoint is a node binary, standing in for the nodejs base. */
function emptyBase(): Image {
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/usr/bin:/nodejs/bin'], Entrypoint: ['/nodejs/bin/node'] }, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
  const rawConfig = Buffer.from(JSON.stringify(config));
  const manifest: Manifest = { schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociConfig, digest: sha256(rawConfig), size: rawConfig.length }, layers: [] };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  return { mediaType: mediaTypes.ociManifest, rawManifest, manifest, digest: sha256(rawManifest), rawConfig, config, layers: [] };
}

const lockfile = {
  name: 'app',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'app', dependencies: { used: '1.0.0', unused: '1.0.0' }, devDependencies: { devtool: '1.0.0' } },
    'node_modules/used': { version: '1.0.0' },
    'node_modules/used/node_modules/@scope/inner': { version: '2.0.0' },
    'node_modules/unused': { version: '1.0.0' },
    'node_modules/devtool': { version: '1.0.0', dev: true },
  },
};

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

/** A project with one used dependency (with a nested scoped one and an asset), one unused and one dev dependency. */
async function makeProject(dir: string): Promise<void> {
  await write(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.2.3', scripts: { start: 'node src/server.js' }, dependencies: { used: '1.0.0', unused: '1.0.0' }, devDependencies: { devtool: '1.0.0' } }));
  await write(join(dir, 'package-lock.json'), JSON.stringify(lockfile));
  await write(join(dir, 'src/server.js'), "const used = require('used');\nconst dev = (() => { try { return require('devtool'); } catch { return undefined; } })();\nrequire('./routes');\nrequire('http').createServer(() => used()).listen(process.env.PORT || 3000);\n");
  await write(join(dir, 'src/routes.js'), 'module.exports = {};\n');
  await write(join(dir, 'notes/todo.txt'), 'not needed at run time\n');
  await write(join(dir, '.dockerignore'), 'notes\n');
  await write(join(dir, 'node_modules/used/package.json'), JSON.stringify({ name: 'used', version: '1.0.0', main: 'index.js' }));
  await write(join(dir, 'node_modules/used/index.js'), "const fs = require('fs');\nconst path = require('path');\nconst data = fs.readFileSync(path.join(__dirname, 'data.txt'), 'utf8');\nmodule.exports = () => require('@scope/inner') + data;\n");
  await write(join(dir, 'node_modules/used/data.txt'), 'asset\n');
  await write(join(dir, 'node_modules/used/README.md'), 'docs\n');
  await write(join(dir, 'node_modules/used/node_modules/@scope/inner/package.json'), JSON.stringify({ name: '@scope/inner', version: '2.0.0' }));
  await write(join(dir, 'node_modules/used/node_modules/@scope/inner/index.js'), "module.exports = 'inner';\n");
  await write(join(dir, 'node_modules/unused/package.json'), JSON.stringify({ name: 'unused', version: '1.0.0' }));
  await write(join(dir, 'node_modules/unused/index.js'), 'module.exports = 1;\n');
  await write(join(dir, 'node_modules/devtool/package.json'), JSON.stringify({ name: 'devtool', version: '1.0.0' }));
  await write(join(dir, 'node_modules/devtool/index.js'), 'module.exports = 2;\n');
}

async function layerFiles(result: BuildResult, role: 'dependencies' | 'application'): Promise<Map<string, { mode: number; uid: number; mtime: number }>> {
  const layer = result.layers.find((l) => l.role === role)?.layer;
  if (layer === undefined) throw new Error(`no ${role} layer`);
  const tar = await buffer(await layer.uncompressed());
  const out = new Map<string, { mode: number; uid: number; mtime: number }>();
  const x = extract();
  const done = new Promise<void>((resolve, reject) => {
    x.on('entry', (header, stream, next) => {
      out.set(header.name, { mode: header.mode, uid: header.uid, mtime: header.mtime.getTime() / 1000 });
      stream.on('end', next);
      stream.resume();
    });
    x.on('finish', resolve);
    x.on('error', reject);
  });
  x.end(tar);
  await done;
  return out;
}

describe('buildNodeApp', () => {
  let dir: string;
  let cache: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-build-'));
    cache = await mkdtemp(join(tmpdir(), 'shipshape-build-cache-'));
    await makeProject(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  });

  const build = async (options: { trace?: boolean; entry?: string; env?: string[] } = {}) =>
    buildNodeApp({ project: await readProject(dir), base: emptyBase(), baseName: 'test/base', cacheDir: cache, sourceDateEpoch: 1_700_000_000, events: () => undefined, ports: [3000], ...options });

  it('gives the same digest for the same input, and a valid image', async () => {
    const first = await build();
    const second = await build();
    expect(second.image.digest).toBe(first.image.digest);
    expect(second.layers.find((l) => l.role === 'dependencies')?.cached).toBe(true);
    await validateImage(first.image);
  });

  it('traces only what the entry point loads: assets and nested packages in, unused and dev dependencies out', async () => {
    const result = await build();
    const deps = await layerFiles(result, 'dependencies');
    expect([...deps.keys()].filter((p) => !p.endsWith('/'))).toEqual([
      'app/node_modules/used/data.txt',
      'app/node_modules/used/index.js',
      'app/node_modules/used/node_modules/@scope/inner/index.js',
      'app/node_modules/used/node_modules/@scope/inner/package.json',
      'app/node_modules/used/package.json',
    ]);
    const app = await layerFiles(result, 'application');
    expect([...app.keys()].filter((p) => !p.endsWith('/'))).toEqual(['app/package.json', 'app/src/routes.js', 'app/src/server.js']);
    expect(result.droppedDev).toContain('node_modules/devtool/index.js');
    for (const entry of app.values()) {
      expect(entry.uid).toBe(0);
      expect(entry.mtime).toBe(1_700_000_000);
    }
    // the dependency layer does not depend on the build's time
    for (const entry of deps.values()) {
      expect(entry.uid).toBe(0);
      expect(entry.mtime).toBe(1);
    }
  });

  it('keeps the whole production node_modules without tracing, still without devDependencies', async () => {
    const result = await build({ trace: false });
    const deps = [...(await layerFiles(result, 'dependencies')).keys()];
    expect(deps).toContain('app/node_modules/unused/index.js');
    expect(deps).toContain('app/node_modules/used/README.md');
    expect(deps.some((p) => p.includes('devtool'))).toBe(false);
    const app = [...(await layerFiles(result, 'application')).keys()];
    expect(app).toContain('app/.dockerignore');
    expect(app.some((p) => p.startsWith('app/notes'))).toBe(false);
  });

  it(".dockerignore matches case-sensitively, as Docker does (Notes/ is kept past 'notes'); a pattern Docker refuses names the file and line", async () => {
    await write(join(dir, 'Notes/keep.txt'), 'kept\n');
    const app = [...(await layerFiles(await build({ trace: false }), 'application')).keys()];
    expect(app).toContain('app/Notes/keep.txt');
    expect(app.some((p) => p.startsWith('app/notes'))).toBe(false);
    await write(join(dir, '.dockerignore'), 'notes\n[\n');
    await expect(build({ trace: false })).rejects.toThrow(/\.dockerignore:2: pattern \[ is not valid/);
  });

  it("runs scripts.start as npm start does: node's options and preloads kept, the script's arguments after it; the preloaded file and package traced", async () => {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    pkg.scripts.start = 'NODE_ENV=production node --require ./tracing.js -r unused --enable-source-maps src/server.js --port 9000';
    await write(join(dir, 'package.json'), JSON.stringify(pkg));
    await write(join(dir, 'tracing.js'), "require('./src/otel-setup');\n");
    await write(join(dir, 'src/otel-setup.js'), 'module.exports = 1;\n');
    const result = await build();
    expect(result.image.config.config?.Entrypoint).toEqual(['/nodejs/bin/node', '--require', './tracing.js', '-r', 'unused', '--enable-source-maps', '/app/src/server.js', '--port', '9000']);
    const app = [...(await layerFiles(result, 'application')).keys()];
    expect(app).toEqual(expect.arrayContaining(['app/src/server.js', 'app/tracing.js', 'app/src/otel-setup.js']));
    const deps = [...(await layerFiles(result, 'dependencies')).keys()];
    // `unused` is loaded only by the -r preload; without it the image would fail to start
    expect(deps).toContain('app/node_modules/unused/index.js');
    // --env-file is left out (the file is a secret the image must not need), with a warning
    pkg.scripts.start = 'node --env-file=.env --enable-source-maps src/server.js --api-key=s3cr3t';
    await write(join(dir, 'package.json'), JSON.stringify(pkg));
    const warnings: string[] = [];
    const withEnvFile = await buildNodeApp({ project: await readProject(dir), base: emptyBase(), baseName: 'test/base', cacheDir: cache, sourceDateEpoch: 1_700_000_000, events: (e) => {
        if (e.kind === 'log' && e.level === 'warn') warnings.push(e.message);
      }, ports: [3000] });
    expect(withEnvFile.image.config.config?.Entrypoint).toEqual(['/nodejs/bin/node', '--enable-source-maps', '/app/src/server.js']);
    expect(warnings.some((w) => w.startsWith('scripts.start: --env-file left out'))).toBe(true);
    // so is an argument that looks secret: the image's config would keep it
    expect(warnings.some((w) => w.startsWith('scripts.start: --api-key left out'))).toBe(true);
    expect(JSON.stringify(withEnvFile.image.config)).not.toContain('s3cr3t');
    // a preload that is not there is named, not left to fail at run time
    pkg.scripts.start = 'node -r ./missing.js src/server.js';
    await write(join(dir, 'package.json'), JSON.stringify(pkg));
    await expect(build()).rejects.toThrow(/preload \.\/missing\.js: no such file/);
  });

  it('writes the runtime config: exec-form node entrypoint, nonroot user, env, port, OCI labels', async () => {
    const result = await build({ env: ['PORT=3000', 'NODE_ENV=staging'] });
    const config = result.image.config.config;
    expect(config?.Entrypoint).toEqual(['/nodejs/bin/node', '/app/src/server.js']);
    expect(config?.User).toBe('65532:65532');
    expect(config?.WorkingDir).toBe('/app');
    expect(config?.Env).toEqual(['PATH=/usr/bin:/nodejs/bin', 'NODE_ENV=staging', 'PORT=3000']);
    expect(config?.ExposedPorts).toEqual({ '3000/tcp': {} });
    expect(config?.Labels?.['org.opencontainers.image.created']).toBe('2023-11-14T22:13:20Z');
    expect(config?.Labels?.['org.opencontainers.image.title']).toBe('app');
    expect(result.image.manifest.annotations?.['org.opencontainers.image.base.name']).toBe('test/base');
  });

  it('changes only the application layer when a source file changes', async () => {
    const first = await build();
    await writeFile(join(dir, 'src/routes.js'), 'module.exports = { changed: true };\n');
    const second = await build();
    const digests = (r: BuildResult) => r.layers.map((l) => l.layer.descriptor.digest);
    expect(digests(second)[0]).toBe(digests(first)[0]);
    expect(digests(second)[1]).not.toBe(digests(first)[1]);
    expect(second.image.digest).not.toBe(first.image.digest);
  });

  it('reuses the dependency trace when a source change adds no require, and traces again when one does', async () => {
    await build();
    await writeFile(join(dir, 'src/routes.js'), 'module.exports = { changed: true };\n');
    await build();
    // dependency traces, beside the application's own (app-*.json, one per project and entry)
    const dependencyTraces = async () => (await readdir(join(cache, 'trace'))).filter((name) => !name.startsWith('app-'));
    expect(await dependencyTraces()).toHaveLength(1);
    await writeFile(join(dir, 'src/routes.js'), "module.exports = require('unused');\n");
    const deps = [...(await layerFiles(await build(), 'dependencies')).keys()];
    expect(deps).toContain('app/node_modules/unused/index.js');
    expect(await dependencyTraces()).toHaveLength(2);
  });

  it('takes unchanged layers and the unchanged application trace from the cache by their inputs, and rebuilds a changed one', async () => {
    const first = await build();
    const again = await build();
    expect(again.image.digest).toBe(first.image.digest);
    expect(again.layers.map((l) => l.cached)).toEqual([true, true]);
    expect((await readdir(join(cache, 'trace'))).filter((n) => n.startsWith('app-'))).toHaveLength(1);
    expect((await readdir(join(cache, 'layers'))).length).toBe(2);
    // same bytes through the recorded layer as through the fresh one
    await validateImage(again.image);
    // a source change: the dependency layer is still reused, the application layer is made again
    await writeFile(join(dir, 'src/routes.js'), 'module.exports = { changed: 2 };\n');
    const changed = await build();
    expect(changed.layers.map((l) => l.cached)).toEqual([true, false]);
    expect(changed.layers[0]?.layer.descriptor.digest).toBe(first.layers[0]?.layer.descriptor.digest);
    const appLayer = changed.layers.find((l) => l.role === 'application')?.layer;
    if (appLayer === undefined) throw new Error('no application layer');
    const appTar = await buffer(await appLayer.uncompressed());
    expect(appTar.includes('module.exports = { changed: 2 };')).toBe(true);
  });

  it('keeps the dependency layer when only the epoch changes', async () => {
    const first = await build();
    const second = await buildNodeApp({ project: await readProject(dir), base: emptyBase(), baseName: 'test/base', cacheDir: cache, sourceDateEpoch: 1_800_000_000, events: () => undefined });
    expect(second.layers[0]?.layer.diffId).toBe(first.layers[0]?.layer.diffId);
    expect(second.layers[1]?.layer.diffId).not.toBe(first.layers[1]?.layer.diffId);
  });

  it('adds every exports alternative of a traced package (another Node.js version may pick it)', async () => {
    await write(join(dir, 'node_modules/used/package.json'), JSON.stringify({ name: 'used', version: '1.0.0', main: 'index.js', exports: { '.': [{ 'module-sync': './sync.mjs', import: './index.mjs', default: './index.js' }, './index.js'], './package.json': './package.json' } }));
    await write(join(dir, 'node_modules/used/sync.mjs'), "import './helper.mjs';\nexport default 1;\n");
    await write(join(dir, 'node_modules/used/helper.mjs'), 'export const x = 1;\n');
    await write(join(dir, 'node_modules/used/index.mjs'), 'export default 2;\n');
    const deps = [...(await layerFiles(await build(), 'dependencies')).keys()];
    expect(deps).toEqual(expect.arrayContaining(['app/node_modules/used/sync.mjs', 'app/node_modules/used/helper.mjs', 'app/node_modules/used/index.mjs']));
  });

  it('does not depend on file modes beyond the executable bit, nor on mtimes when SOURCE_DATE_EPOCH is set', async () => {
    const first = await build();
    await utimes(join(dir, 'src/routes.js'), new Date(5_000_000), new Date(5_000_000));
    const second = await build();
    expect(second.image.digest).toBe(first.image.digest);
  });

  it('keeps a workspace link from node_modules to a package of the project (--no-trace)', async () => {
    await write(join(dir, 'packages/shared/package.json'), JSON.stringify({ name: 'shared', version: '1.0.0', main: 'index.js' }));
    await write(join(dir, 'packages/shared/index.js'), 'module.exports = 3;\n');
    await symlink('../packages/shared', join(dir, 'node_modules/shared'));
    await writeFile(join(dir, 'src/routes.js'), "module.exports = require('shared');\n");
    await writeFile(join(dir, 'package-lock.json'), JSON.stringify({ ...lockfile, packages: { ...lockfile.packages, 'node_modules/shared': { resolved: 'packages/shared', link: true }, 'packages/shared': { version: '1.0.0' } } }));
    const result = await build({ trace: false });
    const deps = await layerFiles(result, 'dependencies');
    expect(deps.has('app/node_modules/shared')).toBe(true);
    expect([...(await layerFiles(result, 'application')).keys()]).toContain('app/packages/shared/index.js');
  });

  it('traces through a workspace link from node_modules to a package of the project', async () => {
    await write(join(dir, 'packages/shared/package.json'), JSON.stringify({ name: 'shared', version: '1.0.0', main: 'index.js', dependencies: { used: '1.0.0' } }));
    await write(join(dir, 'packages/shared/index.js'), "module.exports = require('used');\n");
    await write(join(dir, 'packages/shared/unneeded.js'), 'module.exports = 4;\n');
    await symlink('../packages/shared', join(dir, 'node_modules/shared'));
    await writeFile(join(dir, 'src/routes.js'), "module.exports = require('shared');\n");
    await writeFile(join(dir, 'package-lock.json'), JSON.stringify({ ...lockfile, packages: { ...lockfile.packages, 'node_modules/shared': { resolved: 'packages/shared', link: true }, 'packages/shared': { version: '1.0.0' } } }));
    const result = await build();
    await validateImage(result.image);
    const deps = await layerFiles(result, 'dependencies');
    const app = [...(await layerFiles(result, 'application')).keys()];
    expect(deps.has('app/node_modules/shared')).toBe(true);
    expect(deps.has('app/node_modules/used/index.js')).toBe(true);
    expect(app).toContain('app/packages/shared/index.js');
    expect(app).not.toContain('app/packages/shared/unneeded.js');
  });

  it('refuses a symlink that leaves the project, and ends the progress it started', async () => {
    await symlink('/etc/passwd', join(dir, 'src/secret.txt'));
    const open = new Set<string>();
    const events: EventSink = (event) => {
      if (event.kind === 'task-start') open.add(event.id);
      if (event.kind === 'task-end') open.delete(event.id);
    };
    await expect(buildNodeApp({ project: await readProject(dir), base: emptyBase(), baseName: 'test/base', cacheDir: cache, sourceDateEpoch: 1_700_000_000, events, ports: [3000], trace: false })).rejects.toThrow(
      /secret\.txt: symbolic link to "\/etc\/passwd" leaves/,
    );
    expect([...open]).toEqual([]);
  });

  it('takes a project file whose name starts with two dots, and refuses what leaves the project', () => {
    expect(projectPath('/p', '..server.js', '--entry')).toBe('..server.js');
    expect(projectPath('/p', './lib/../main.js', '--entry')).toBe('main.js');
    expect(() => projectPath('/p', '../q/main.js', '--entry')).toThrow(/^--entry: "\.\.\/q\/main\.js" is outside the project directory \/p$/);
    expect(() => projectPath('/p', '.', '--entry')).toThrow(/is outside the project directory/);
  });

  it('names the problem: no package.json, a missing entry, a broken lockfile', async () => {
    await expect(build({ entry: 'nope.js' })).rejects.toThrow(/--entry: entry point "nope.js" not found/);
    await writeFile(join(dir, 'package-lock.json'), '{ broken');
    await expect(readProject(dir)).rejects.toThrow(/package-lock\.json: not JSON \(Expected property name or '}' in JSON at position 2\)$/);
    await writeFile(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/x': { version: 1 } } }));
    await expect(readProject(dir)).rejects.toThrow(/package-lock\.json: not an npm lockfile: field "packages\.node_modules\/x\.version": Invalid input: expected string, received number$/);
    // npm 6's lockfile has no "packages" map: the message says how to get one
    await writeFile(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 1, dependencies: {} }));
    await expect(readProject(dir)).rejects.toThrow(/package-lock\.json: lockfileVersion 1 has no "packages" map; regenerate it with npm 7 or later$/);
    await rm(join(dir, 'package.json'));
    const error = await readProject(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('not-found');
    expect((error as Error).message).toMatch(/package\.json: no package\.json/);
  });
});

/**
 * An npm workspace as `npm install` leaves it: the api member (the app) uses a hoisted package, a nested version of
 * another (packages/api/node_modules), and the lib member through its link; lib has a dependency of its own; the
 * web member's dependency, the root's devDependency and web's sources must stay out of the api image.
 */
const workspaceLock = {
  name: 'ws',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'ws', workspaces: ['packages/*'], devDependencies: { devtool: '1.0.0' } },
    'node_modules/@ws/api': { resolved: 'packages/api', link: true },
    'node_modules/@ws/lib': { resolved: 'packages/lib', link: true },
    'node_modules/@ws/web': { resolved: 'packages/web', link: true },
    'node_modules/used': { version: '1.0.0' },
    'node_modules/libdep': { version: '1.0.0' },
    'node_modules/pinned': { version: '1.0.0' },
    'node_modules/webdep': { version: '1.0.0' },
    'node_modules/devtool': { version: '1.0.0', dev: true },
    'packages/api': { name: '@ws/api', version: '2.0.0', dependencies: { '@ws/lib': '1.0.0', used: '1.0.0', pinned: '2.0.0' } },
    'packages/api/node_modules/pinned': { version: '2.0.0' },
    'packages/lib': { name: '@ws/lib', version: '1.0.0', dependencies: { libdep: '1.0.0' } },
    'packages/web': { name: '@ws/web', version: '1.0.0', dependencies: { webdep: '1.0.0', pinned: '1.0.0' } },
  },
};

async function writePackage(dir: string, name: string, source: string): Promise<void> {
  await write(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  await write(join(dir, 'index.js'), source);
}

async function makeWorkspace(root: string): Promise<void> {
  await write(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'], devDependencies: { devtool: '1.0.0' } }));
  await write(join(root, 'package-lock.json'), JSON.stringify(workspaceLock));
  await write(join(root, 'packages/api/package.json'), JSON.stringify({ name: '@ws/api', version: '2.0.0', scripts: { start: 'node server.js' }, dependencies: { '@ws/lib': '1.0.0', used: '1.0.0', pinned: '2.0.0' } }));
  await write(join(root, 'packages/api/server.js'), "const lib = require('@ws/lib');\nconst used = require('used');\nconst pinned = require('pinned');\nconsole.log(lib, used, pinned);\n");
  await write(join(root, 'packages/api/notes.md'), 'not loaded\n');
  await write(join(root, 'packages/lib/package.json'), JSON.stringify({ name: '@ws/lib', version: '1.0.0', main: 'index.js', dependencies: { libdep: '1.0.0' } }));
  await write(join(root, 'packages/lib/index.js'), "module.exports = require('libdep');\n");
  await write(join(root, 'packages/web/package.json'), JSON.stringify({ name: '@ws/web', version: '1.0.0', dependencies: { webdep: '1.0.0', pinned: '1.0.0' } }));
  await write(join(root, 'packages/web/index.js'), "require('webdep');\n");
  await writePackage(join(root, 'node_modules/used'), 'used', "module.exports = 'used';\n");
  await writePackage(join(root, 'node_modules/libdep'), 'libdep', "module.exports = 'libdep';\n");
  await writePackage(join(root, 'node_modules/pinned'), 'pinned', "module.exports = 'pinned 1';\n");
  await writePackage(join(root, 'node_modules/webdep'), 'webdep', "module.exports = 'webdep';\n");
  await writePackage(join(root, 'node_modules/devtool'), 'devtool', "module.exports = 'devtool';\n");
  await writePackage(join(root, 'packages/api/node_modules/pinned'), 'pinned', "module.exports = 'pinned 2';\n");
  await mkdir(join(root, 'node_modules/@ws'), { recursive: true });
  for (const name of ['api', 'lib', 'web']) await symlink(`../../packages/${name}`, join(root, `node_modules/@ws/${name}`));
}

describe('buildNodeApp of a workspace member', () => {
  let root: string;
  let cache: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'shipshape-build-ws-'));
    cache = await mkdtemp(join(tmpdir(), 'shipshape-build-ws-cache-'));
    await makeWorkspace(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  });

  const member = { member: 'packages/api', members: ['packages/api', 'packages/lib', 'packages/web'] };
  const build = async (options: { trace?: boolean } = {}) =>
    buildNodeApp({ project: await readProject(join(root, 'packages/api'), { root, ...member }), base: emptyBase(), baseName: 'test/base', cacheDir: cache, sourceDateEpoch: 1_700_000_000, events: () => undefined, ports: [3000], ...options });
  const names = async (result: BuildResult, role: 'dependencies' | 'application') => [...(await layerFiles(result, role)).keys()].filter((p) => !p.endsWith('/'));

  it('reads the member package.json and the root lockfile', async () => {
    const project = await readProject(join(root, 'packages/api'), { root, ...member });
    expect(project).toMatchObject({ dir: root, app: 'packages/api', lockfileName: 'package-lock.json' });
    expect(project.packageJson.name).toBe('@ws/api');
  });

  it('traces from the member: the hoisted, nested and linked packages it reaches, the lib member, nothing of web', async () => {
    const result = await build();
    await validateImage(result.image);
    expect(await names(result, 'dependencies')).toEqual([
      'app/node_modules/@ws/lib',
      'app/node_modules/libdep/index.js',
      'app/node_modules/libdep/package.json',
      'app/node_modules/used/index.js',
      'app/node_modules/used/package.json',
      'app/packages/api/node_modules/pinned/index.js',
      'app/packages/api/node_modules/pinned/package.json',
    ]);
    expect(await names(result, 'application')).toEqual(['app/package.json', 'app/packages/api/package.json', 'app/packages/api/server.js', 'app/packages/lib/index.js', 'app/packages/lib/package.json']);
    const config = result.image.config.config;
    expect(config?.WorkingDir).toBe('/app/packages/api');
    expect(config?.Entrypoint).toEqual(['/nodejs/bin/node', '/app/packages/api/server.js']);
    expect(config?.Labels?.['org.opencontainers.image.title']).toBe('@ws/api');
  });

  it('without a trace keeps the member’s lockfile closure and the members it links', async () => {
    const result = await build({ trace: false });
    const deps = await names(result, 'dependencies');
    expect(deps).toEqual(expect.arrayContaining(['app/node_modules/@ws/lib', 'app/node_modules/used/index.js', 'app/node_modules/libdep/index.js', 'app/packages/api/node_modules/pinned/index.js']));
    for (const absent of ['webdep', 'devtool', '@ws/web', '@ws/api', 'app/node_modules/pinned/']) expect(deps.filter((p) => p.includes(absent))).toEqual([]);
    expect(await names(result, 'application')).toEqual([
      'app/package.json',
      'app/packages/api/notes.md',
      'app/packages/api/package.json',
      'app/packages/api/server.js',
      'app/packages/lib/index.js',
      'app/packages/lib/package.json',
    ]);
  });

  /** The workspace with only links in its lockfile (npm ci needs no registry) and no node_modules. */
  async function linksOnly(): Promise<void> {
    const lock = { ...workspaceLock, packages: { '': workspaceLock.packages[''], 'node_modules/@ws/api': workspaceLock.packages['node_modules/@ws/api'], 'node_modules/@ws/lib': workspaceLock.packages['node_modules/@ws/lib'], 'node_modules/@ws/web': workspaceLock.packages['node_modules/@ws/web'], 'packages/api': { name: '@ws/api', version: '2.0.0', dependencies: { '@ws/lib': '1.0.0' } }, 'packages/lib': { name: '@ws/lib', version: '1.0.0' }, 'packages/web': { name: '@ws/web', version: '1.0.0' } } };
    await rm(join(root, 'node_modules'), { recursive: true });
    await rm(join(root, 'packages/api/node_modules'), { recursive: true });
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }));
    await writeFile(join(root, 'package-lock.json'), JSON.stringify(lock));
    await writeFile(join(root, 'packages/api/package.json'), JSON.stringify({ name: '@ws/api', version: '2.0.0', scripts: { start: 'node server.js' }, dependencies: { '@ws/lib': '1.0.0' } }));
    await writeFile(join(root, 'packages/lib/package.json'), JSON.stringify({ name: '@ws/lib', version: '1.0.0', main: 'index.js' }));
    await writeFile(join(root, 'packages/web/package.json'), JSON.stringify({ name: '@ws/web', version: '1.0.0' }));
    await writeFile(join(root, 'packages/api/server.js'), "console.log(require('@ws/lib'));\n");
    await writeFile(join(root, 'packages/lib/index.js'), "module.exports = 'lib';\n");
  }

  it('without node_modules installs the member with npm ci --workspace in the cache, keyed by the root lockfile (needs npm)', async () => {
    await linksOnly();
    const result = await build();
    expect(result.timings.install).toBeDefined();
    expect(await names(result, 'dependencies')).toEqual(['app/node_modules/@ws/lib']);
    expect(await names(result, 'application')).toEqual(['app/package.json', 'app/packages/api/package.json', 'app/packages/api/server.js', 'app/packages/lib/index.js', 'app/packages/lib/package.json']);
    // npm linked only the member and what it uses; nothing was written into the project
    const [installed] = await readdir(join(cache, 'npm'));
    expect(await readdir(join(cache, 'npm', installed ?? '', 'node_modules/@ws'))).toEqual(['api', 'lib']);
    expect(await readdir(root)).toEqual(['package-lock.json', 'package.json', 'packages']);
  }, 60_000);

  it('an app at the workspace root gets its members linked by the cached npm ci too (needs npm)', async () => {
    await linksOnly();
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'], main: 'main.js' }));
    await writeFile(join(root, 'main.js'), "console.log(require('@ws/lib'));\n");
    const result = await buildNodeApp({ project: await readProject(root, { root, member: '.', members: member.members }), base: emptyBase(), baseName: 'test/base', cacheDir: cache, sourceDateEpoch: 1_700_000_000, events: () => undefined, ports: [] });
    expect(await names(result, 'dependencies')).toEqual(['app/node_modules/@ws/lib']);
    expect(await names(result, 'application')).toEqual(['app/main.js', 'app/package.json', 'app/packages/lib/index.js', 'app/packages/lib/package.json']);
    expect(result.image.config.config?.WorkingDir).toBe('/app');
  }, 60_000);
});

describe('buildNodeApp of a pnpm workspace member', () => {
  let root: string;
  let cache: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'shipshape-build-pnpm-'));
    cache = await mkdtemp(join(tmpdir(), 'shipshape-build-pnpm-cache-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  });

  it('traces through pnpm’s links: the member’s node_modules into the .pnpm store, and to the lib member', async () => {
    // as `pnpm install` lays it out: packages in node_modules/.pnpm, each member's node_modules holds links
    await write(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true }));
    await write(join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/*'\n");
    await write(join(root, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    await write(join(root, 'packages/api/package.json'), JSON.stringify({ name: '@ws/api', version: '1.0.0', scripts: { start: 'node server.js' }, dependencies: { '@ws/lib': 'workspace:*', used: '1.0.0' } }));
    await write(join(root, 'packages/api/server.js'), "console.log(require('@ws/lib'), require('used'));\n");
    await write(join(root, 'packages/lib/package.json'), JSON.stringify({ name: '@ws/lib', version: '1.0.0', main: 'index.js' }));
    await write(join(root, 'packages/lib/index.js'), "module.exports = 'lib';\n");
    await writePackage(join(root, 'node_modules/.pnpm/used@1.0.0/node_modules/used'), 'used', "module.exports = 'used';\n");
    await mkdir(join(root, 'packages/api/node_modules/@ws'), { recursive: true });
    await symlink('../../../node_modules/.pnpm/used@1.0.0/node_modules/used', join(root, 'packages/api/node_modules/used'));
    await symlink('../../../lib', join(root, 'packages/api/node_modules/@ws/lib'));
    const { findWorkspace } = await import('../generate/index.js');
    const ws = await findWorkspace(join(root, 'packages/api'));
    expect(ws).toEqual({ root, member: 'packages/api', members: ['packages/api', 'packages/lib'], file: 'pnpm-workspace.yaml', capped: false });
    if (ws === undefined) return;
    const result = await buildNodeApp({ project: await readProject(join(root, 'packages/api'), ws), base: emptyBase(), baseName: 'test/base', cacheDir: cache, sourceDateEpoch: 1_700_000_000, events: () => undefined, ports: [] });
    await validateImage(result.image);
    const deps = [...(await layerFiles(result, 'dependencies')).keys()].filter((p) => !p.endsWith('/'));
    expect(deps).toEqual(expect.arrayContaining(['app/packages/api/node_modules/used', 'app/packages/api/node_modules/@ws/lib', 'app/node_modules/.pnpm/used@1.0.0/node_modules/used/index.js']));
    const app = [...(await layerFiles(result, 'application')).keys()].filter((p) => !p.endsWith('/'));
    expect(app).toEqual(expect.arrayContaining(['app/packages/api/server.js', 'app/packages/lib/index.js']));
    expect(result.image.config.config?.WorkingDir).toBe('/app/packages/api');
  });
});

describe('dependencyClosure', () => {
  it('follows dependencies as Node resolves them, through workspace links', () => {
    expect([...dependencyClosure(workspaceLock, 'packages/api')].sort()).toEqual(['node_modules/@ws/lib', 'node_modules/libdep', 'node_modules/used', 'packages/api', 'packages/api/node_modules/pinned', 'packages/lib']);
    expect([...dependencyClosure(workspaceLock, 'packages/web')].sort()).toEqual(['node_modules/pinned', 'node_modules/webdep', 'packages/web']);
  });
});

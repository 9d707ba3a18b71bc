/**
 * `shipshape build --watch` as a user runs it: the built CLI stays up, builds a dependency-free app onto a small
 * base (an OCI layout made here, so no Debian archive or engine is needed), rebuilds when a source file changes —
 * the new digest is the one the layout's index names, and skopeo, when present, reads it — and ends on SIGINT.
 * Started in a workspace member's folder, it also rebuilds when a library member the app links changes. On a base
 * named by a registry tag, a rebuild past `base.recheckAfter` builds on the image the tag names then.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createTransportContext, write } from '../../src/image/transports/index.js';
import { configSchema } from '../../src/config/schema.js';
import { silent } from '../../src/internal/events.js';
import { randomImage } from '../../src/testing/random-image.js';
import { cliPath, has, missing, registryHost } from './env.js';

const skip = missing('cli');

interface WatchLine {
  digest?: string;
  base?: { name: string; digest: string };
  changed: string[];
  sinceChange?: number;
  error?: string;
}

async function layoutDigest(layout: string): Promise<string | undefined> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  return index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'app')?.digest;
}

/** The CLI in watch mode on `app` (its base the layout `base`, or any image name), with a reader of its JSON lines. */
function startWatch(app: string, base: string, layout: string, cache: string, extra: readonly string[] = []) {
  const baseImage = base.includes(':') ? base : `oci:${base}:base`;
  const child = spawn(process.execPath, [cliPath, 'build', app, '--base', baseImage, '--port', '8080', '--output-image', `oci:${layout}:app`, '--watch', '--format', 'json', '--quiet', ...extra], {
    env: { ...process.env, SHIPSHAPE_CACHE_DIR: cache, SOURCE_DATE_EPOCH: '1700000000', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<WatchLine> => {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => { reject(new Error(`no build line within 20 s; stderr: ${stderr}`)); }, 20_000).unref());
    const line = await Promise.race([lines.next(), timeout]);
    if (line.done === true) throw new Error(`watch ended; stderr: ${stderr}`);
    return JSON.parse(line.value) as WatchLine;
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => { resolve({ code, signal }); }));
  return { child, next, exited, stderr: () => stderr };
}

async function writeBase(base: string): Promise<void> {
  const ctx = await createTransportContext(configSchema.parse({}), silent);
  try {
    await write(`oci:${base}:base`, { kind: 'image', image: await randomImage({ layers: 1 }) }, ctx);
  } finally {
    await ctx.close();
  }
}

describe.skipIf(skip)('shipshape build --watch', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('in a workspace member, rebuilds when the library member it links changes', async () => {
    const work = await mkdtemp(join(tmpdir(), 'shipshape-watch-ws-e2e-'));
    dirs.push(work);
    const root = join(work, 'ws');
    await writeBase(join(work, 'base'));
    await mkdir(join(root, 'packages/api'), { recursive: true });
    await mkdir(join(root, 'packages/lib'), { recursive: true });
    await mkdir(join(root, 'node_modules/@ws'), { recursive: true });
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'] }));
    await writeFile(join(root, 'packages/api/package.json'), JSON.stringify({ name: '@ws/api', version: '1.0.0', main: 'server.js', dependencies: { '@ws/lib': '1.0.0' } }));
    await writeFile(join(root, 'packages/api/server.js'), "console.log(require('@ws/lib'));\n");
    await writeFile(join(root, 'packages/lib/package.json'), JSON.stringify({ name: '@ws/lib', version: '1.0.0', main: 'index.js' }));
    await writeFile(join(root, 'packages/lib/index.js'), "module.exports = 'one';\n");
    // as npm install links the members
    await symlink('../../packages/lib', join(root, 'node_modules/@ws/lib'));
    const layout = join(work, 'layout');
    const watch = startWatch(join(root, 'packages/api'), join(work, 'base'), layout, join(work, 'cache'));
    try {
      const first = await watch.next();
      expect(first.error, watch.stderr()).toBeUndefined();
      await writeFile(join(root, 'packages/lib/index.js'), "module.exports = 'two';\n");
      const second = await watch.next();
      expect(second.error, watch.stderr()).toBeUndefined();
      expect(second.changed).toContain('packages/lib/index.js');
      expect(second.digest).not.toBe(first.digest);
      expect(await layoutDigest(layout)).toBe(second.digest);
    } finally {
      watch.child.kill('SIGINT');
    }
    const end = await watch.exited;
    expect(end.signal === 'SIGINT' || end.code === 130).toBe(true);
  }, 60_000);

  it('ends with one line and exit 2 when its result cannot be written (--output in a missing folder)', async () => {
    const work = await mkdtemp(join(tmpdir(), 'shipshape-watch-out-e2e-'));
    dirs.push(work);
    const app = join(work, 'app');
    await writeBase(join(work, 'base'));
    await mkdir(app, { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'watched', version: '1.0.0', main: 'server.js' }));
    await writeFile(join(app, 'server.js'), 'console.log(1);\n');
    const output = join(work, 'missing', 'builds.jsonl');
    const child = spawn(process.execPath, [cliPath, 'build', app, '--base', `oci:${join(work, 'base')}:base`, '--port', '8080', '--output-image', `oci:${join(work, 'layout')}:app`, '--watch', '--format', 'json', '--output', output], {
      env: { ...process.env, SHIPSHAPE_CACHE_DIR: join(work, 'cache'), SOURCE_DATE_EPOCH: '1700000000', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exit) => { resolve(exit); }));
    clearTimeout(timer);
    expect(stderr).toBe(`shipshape: writing ${output}: no such file or directory\n`);
    expect(code).toBe(2);
  }, 30_000);

  it('rebuilds into the OCI layout when a source file changes, and ends on SIGINT', async () => {
    const work = await mkdtemp(join(tmpdir(), 'shipshape-watch-e2e-'));
    dirs.push(work);
    const app = join(work, 'app');
    const layout = join(work, 'layout');
    const base = join(work, 'base');
    await writeBase(base);
    await mkdir(join(app, 'lib'), { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'watched', version: '1.0.0', main: 'server.js' }));
    await writeFile(join(app, 'server.js'), "const { greeting } = require('./lib/greeting');\nconsole.log(greeting);\n");
    await writeFile(join(app, 'lib', 'greeting.js'), "exports.greeting = 'one';\n");

    const { child, next, exited, stderr } = startWatch(app, base, layout, join(work, 'cache'));
    try {
      const first = await next();
      expect(first.error, stderr()).toBeUndefined();
      expect(first.changed).toEqual([]);
      expect(await layoutDigest(layout)).toBe(first.digest);

      await writeFile(join(app, 'lib', 'greeting.js'), "exports.greeting = 'two';\n");
      const second = await next();
      expect(second.error, stderr()).toBeUndefined();
      expect(second.changed).toContain('lib/greeting.js');
      expect(second.digest).not.toBe(first.digest);
      expect(second.sinceChange).toBeGreaterThan(0);
      // the layout now names the new image; an independent reader agrees
      expect(await layoutDigest(layout)).toBe(second.digest);
      if (has.skopeo) {
        const inspect = spawnSync('skopeo', ['inspect', `oci:${layout}:app`], { encoding: 'utf8' });
        expect(inspect.status, inspect.stderr).toBe(0);
        expect((JSON.parse(inspect.stdout) as { Digest: string }).Digest).toBe(second.digest);
      }
    } finally {
      child.kill('SIGINT');
    }
    const end = await exited;
    // ended by the signal, as an interrupted program should
    expect(end.signal === 'SIGINT' || end.code === 130).toBe(true);
  }, 60_000);
});

describe.skipIf(missing('cli', 'registry'))('shipshape build --watch --base docker://REF:TAG', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('past base.recheckAfter (0: every rebuild), a rebuild builds on the image the tag was pushed to since', async () => {
    const work = await mkdtemp(join(tmpdir(), 'shipshape-watch-e2e-'));
    dirs.push(work);
    const app = join(work, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'watched', version: '1.0.0', main: 'server.js' }));
    await writeFile(join(app, 'server.js'), "console.log('one');\n");
    const config = join(work, 'shipshape.yaml');
    await writeFile(config, 'base:\n  recheckAfter: 0\n');
    const base = `docker://${registryHost}/shipshape-watch-base-${process.pid}-${Date.now()}:moving`;
    const push = async (seed: number): Promise<string | undefined> => {
      const ctx = await createTransportContext(configSchema.parse({}), silent);
      try {
        return (await write(base, { kind: 'image', image: await randomImage({ layers: 1, seed }) }, ctx)).digest;
      } finally {
        await ctx.close();
      }
    };
    const pushedFirst = await push(1);

    const { child, next, exited, stderr } = startWatch(app, base, join(work, 'layout'), join(work, 'cache'), ['--config', config]);
    try {
      const first = await next();
      expect(first.error, stderr()).toBeUndefined();
      expect(first.base?.digest).toBe(pushedFirst);

      const pushedSecond = await push(2);
      expect(pushedSecond).not.toBe(pushedFirst);
      await writeFile(join(app, 'server.js'), "console.log('two');\n");
      const second = await next();
      expect(second.error, stderr()).toBeUndefined();
      expect(second.base?.digest).toBe(pushedSecond);
    } finally {
      child.kill('SIGINT');
    }
    const end = await exited;
    expect(end.signal === 'SIGINT' || end.code === 130).toBe(true);
  }, 60_000);
});

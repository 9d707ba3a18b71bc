import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../image/blob.js';
import { mediaTypes } from '../image/media-types.js';
import type { Image, ImageConfig, Manifest } from '../image/types.js';
import { binaryNeeds, buildBinaryImage } from './binary.js';

const hasCompilers = spawnSync('gcc', ['--version']).status === 0 && spawnSync('g++', ['--version']).status === 0;

function emptyBase(): Image {
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/usr/bin'] }, rootfs: { type: 'layers', diff_ids: [] } };
  const rawConfig = Buffer.from(JSON.stringify(config));
  const manifest: Manifest = { schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociConfig, digest: sha256(rawConfig), size: rawConfig.length }, layers: [] };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  return { mediaType: mediaTypes.ociManifest, rawManifest, manifest, digest: sha256(rawManifest), rawConfig, config, layers: [] };
}

describe.skipIf(!hasCompilers)('binaryNeeds: the base a compiled program needs, from its ELF', () => {
  let dir: string;
  const compile = (compiler: string, source: string, out: string, flags: string[] = []): string => {
    const path = join(dir, out);
    const r = spawnSync(compiler, ['-x', compiler === 'g++' ? 'c++' : 'c', '-', '-o', path, ...flags], { input: source });
    if (r.status !== 0) throw new Error(r.stderr.toString());
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-binary-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('static: no DT_NEEDED, no interpreter', () => {
    const path = compile('gcc', 'int main(void){return 0;}', 'static', ['-static']);
    expect(binaryNeeds(path)).toMatchObject({ preset: 'static', needed: [], architecture: 'amd64' });
  });

  it('base: glibc only', () => {
    const path = compile('gcc', '#include <math.h>\nint main(int c, char **v){return (int)sqrt((double)c);}', 'libc', ['-lm']);
    const needs = binaryNeeds(path);
    expect(needs.preset).toBe('base');
    expect(needs.needed).toContain('libc.so.6');
  });

  it('cc: the C++ runtime', () => {
    const path = compile('g++', '#include <iostream>\nint main(){std::cout << "hi" << std::endl; return 0;}', 'cxx');
    const needs = binaryNeeds(path);
    expect(needs.preset).toBe('cc');
    expect(needs.needed).toContain('libstdc++.so.6');
  });

  it('refuses what is not a program, naming the file', async () => {
    const path = join(dir, 'script.sh');
    await writeFile(path, '#!/bin/sh\necho hi\n');
    expect(() => binaryNeeds(path)).toThrow(/script\.sh: not a valid ELF file/);
  });

  it('builds the same image twice from the same binary: /app/NAME as the entrypoint, nonroot', async () => {
    const path = compile('gcc', 'int main(void){return 0;}', 'hello', ['-static']);
    const cache = join(dir, 'cache');
    const options = { binary: path, base: emptyBase(), baseName: 'shipshape/base:static', cacheDir: cache, sourceDateEpoch: 1_700_000_000, events: () => undefined, ports: [8080] };
    const first = await buildBinaryImage(options);
    const second = await buildBinaryImage(options);
    expect(second.image.digest).toBe(first.image.digest);
    expect(first.image.config.config).toMatchObject({ Entrypoint: ['/app/hello'], User: '65532:65532', WorkingDir: '/app', ExposedPorts: { '8080/tcp': {} } });
    expect(first.layers.map((l) => l.role)).toEqual(['binary']);
  });
});

import { describe, expect, it } from 'vitest';
import { buildImage } from '../testing/images.js';
import { analyzeImage } from './engine.js';

const aptLists = [
  { path: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', size: 3000 },
  { path: 'var/lib/apt/lists/lock', size: 0 },
];

describe('analyzeImage', () => {
  it('attributes layer sizes to history and lists empty layers', async () => {
    const image = await buildImage({
      layers: [
        { files: [{ path: 'bin/sh', size: 100, mode: 0o755 }], createdBy: '/bin/sh -c #(nop) ADD file:abc in / ' },
        { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["bash"]' },
        { files: [{ path: 'app/a', size: 50 }], createdBy: 'COPY . /app # buildkit' },
        { empty: true, createdBy: 'ENV NODE_ENV=production' },
      ],
    });
    const { report } = await analyzeImage(image);
    expect(report.sizes.layers.map((l) => [l.createdBy, l.contentSize])).toEqual([
      ['/bin/sh -c #(nop) ADD file:abc in / ', 100],
      ['COPY . /app # buildkit', 50],
    ]);
    expect(report.sizes.emptyLayers.map((e) => e.historyIndex)).toEqual([1, 3]);
    expect(report.sizes.compressedSize).toBe(image.layers.reduce((s, l) => s + l.descriptor.size, 0));
    expect(report.base.layers).toBe(1);
  });

  it('finds where the base ends when the image ends with its own CMD and ENTRYPOINT, as most Dockerfiles do', async () => {
    const image = await buildImage({
      layers: [
        { files: [{ path: 'bin/sh', size: 100, mode: 0o755 }], createdBy: '/bin/sh -c #(nop) ADD file:abc in / ' },
        { files: [{ path: 'etc/x', size: 10 }], createdBy: '/bin/sh -c apt-get install -y x' },
        { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["bash"]' },
        { files: [{ path: 'app/a', size: 50 }], createdBy: 'COPY . /app # buildkit' },
        { empty: true, createdBy: 'ENTRYPOINT ["/app/a"]' },
        { empty: true, createdBy: 'CMD ["--serve"]' },
      ],
    });
    const { report } = await analyzeImage(image);
    expect(report.base.layers).toBe(2);
    // no CMD before any layer of the image's own: nothing says where the base ends
    const unknown = await analyzeImage(await buildImage({ layers: [{ files: [{ path: 'a', size: 1 }], createdBy: 'ADD a /' }, { empty: true, createdBy: 'CMD ["a"]' }] }));
    expect(unknown.report.base.layers).toBeUndefined();
  });

  it('computes dive-compatible and corrected waste', async () => {
    const image = await buildImage({
      layers: [
        [{ path: 'a', size: 1000 }, { path: 'd/x', size: 300 }, { path: 'd/y', size: 200 }, { path: 'o/z', size: 400 }, { path: 'dup1', size: 64, seed: 'same' }],
        [{ path: 'a', size: 10, seed: 'a2' }, { path: 'd', type: 'whiteout' }, { path: 'o', type: 'opaque' }, { path: 'o/n', size: 1 }, { path: 'dup2', size: 64, seed: 'same' }],
      ],
    });
    const { report } = await analyzeImage(image);
    const w = report.waste;
    // dive visits leaves only: /d is a leaf in layer 1 (its whiteout, sized by the subtree it removes: 500) but not
    // in layer 0, so only /a (1000 + 10) is seen twice; the opaque marker is not seen at all.
    // Σ min = 10 + 500 + 300 + 200 + 400 + 1 + 64 + 64; Σ cumulative = 1010 + 500 + 300 + 200 + 400 + 1 + 128
    expect(w.dive.wastedBytes).toBe(1010);
    expect(w.dive.efficiency).toBeCloseTo(1539 / 2539, 10);
    expect(w.dive.userWastedPercent).toBeCloseTo(1010 / (10 + 1 + 64), 10);
    // corrected: exactly the hidden bytes (the kept copy of /a is not waste; the opaque-hidden /o/z is)
    expect(w.byCause.overwritten.bytes).toBe(1000);
    expect(w.byCause.whiteout.bytes).toBe(500);
    expect(w.byCause.opaque.bytes).toBe(400);
    expect(w.corrected.wastedBytes).toBe(1900);
    expect(w.corrected.shippedBytes).toBe(1000 + 300 + 200 + 400 + 64 + 10 + 1 + 64);
    expect(w.corrected.visibleBytes + w.corrected.wastedBytes).toBe(w.corrected.shippedBytes);
    expect(w.removedDirectories.map((d) => [d.path, d.kind, d.bytes])).toEqual([['/d', 'whiteout', 500], ['/o', 'opaque', 400]]);
    expect(w.duplicates).toMatchObject({ groups: 1, wastedBytes: 64 });
    expect(w.duplicates.top[0]?.acrossLayers).toBe(true);
    const f = report.findings.find((x) => x.id === 'waste/overwritten');
    expect(f?.evidence[0]).toMatchObject({ path: '/a', layer: 0, layerDigest: image.layers[0]?.descriptor.digest, bytes: 1000 });
  });

  it('finds removable content by category, devDependencies from the lockfile', async () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { express: '^4' }, devDependencies: { typescript: '^5' } },
        'node_modules/express': { version: '4.0.0' },
        'node_modules/typescript': { version: '5.0.0', dev: true },
        'node_modules/@types/node': { version: '20.0.0', dev: true },
      },
    };
    const image = await buildImage({
      layers: [
        [...aptLists, { path: 'usr/share/doc/bash/copyright', size: 700 }, { path: 'usr/share/man/man1/bash.1.gz', size: 300 }, { path: 'usr/include/stdio.h', size: 90 }],
        [
          { path: 'app/package.json', content: JSON.stringify({ dependencies: { express: '^4' }, devDependencies: { typescript: '^5' } }) },
          { path: 'app/package-lock.json', content: JSON.stringify(lock) },
          { path: 'app/node_modules/express/index.js', size: 500 },
          { path: 'app/node_modules/express/test/app.js', size: 40 },
          { path: 'app/node_modules/typescript/lib/tsc.js', size: 5000 },
          { path: 'app/node_modules/@types/node/index.d.ts', size: 800 },
          { path: 'app/.git/objects/pack/p.pack', size: 2000 },
          { path: 'app/dist/server.js', size: 100 },
          { path: 'app/dist/server.js.map', size: 150 },
          { path: 'app/src/server.ts', size: 90 },
          { path: 'app/.github/workflows/ci.yml', size: 30 },
          { path: 'app/Dockerfile', size: 20 },
          { path: 'root/.npm/_cacache/content-v2/x', size: 1200 },
        ],
      ],
    });
    const { report } = await analyzeImage(image);
    const by = Object.fromEntries(report.removable.categories.map((c) => [c.id, c]));
    expect(by['dev-dependencies']).toMatchObject({ bytes: 5800, files: 2 });
    expect(by['dev-dependencies']?.top.map((t) => t.path)).toEqual(['/app/node_modules/typescript', '/app/node_modules/@types/node']);
    expect(by['package-manager-cache']).toMatchObject({ bytes: 4200 });
    expect(by['package-manager-cache']?.top.map((t) => t.path)).toEqual(['/var/lib/apt/lists', '/root/.npm']);
    expect(by.vcs).toMatchObject({ bytes: 2000, top: [{ path: '/app/.git' }] });
    expect(by.docs).toMatchObject({ bytes: 1000, files: 2 });
    expect(by['build-toolchain']).toMatchObject({ bytes: 90 });
    expect(by['dependency-tests']).toMatchObject({ bytes: 40, top: [{ path: '/app/node_modules/express/test' }] });
    expect(by['source-maps']).toMatchObject({ bytes: 240, files: 2 });
    expect(by['ci-and-editor']).toMatchObject({ bytes: 50, files: 2 });
    expect(report.removable.bytes).toBe(5800 + 4200 + 2000 + 1000 + 90 + 40 + 240 + 50);
    const finding = report.findings.find((f) => f.id === 'removable/package-manager-cache');
    expect(finding?.fix).toContain('rm -rf /var/lib/apt/lists');
    expect(finding?.evidence[0]).toMatchObject({ path: '/var/lib/apt/lists', layerDigest: image.layers[0]?.descriptor.digest });
  });

  it('counts Python as a toolchain only where nothing runs it', async () => {
    const python = [
      { path: 'usr/bin/python3.11', size: 6000, mode: 0o755 },
      { path: 'usr/lib/python3.11/os.py', size: 400 },
      { path: 'usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0', size: 2000 },
    ];
    const node = await analyzeImage(await buildImage({ config: { Cmd: ['node', 'server.js'] }, layers: [[...python, { path: 'app/server.js', size: 10 }]] }));
    const toolchain = node.report.removable.categories.find((c) => c.id === 'build-toolchain');
    expect(toolchain).toMatchObject({ bytes: 8400, files: 3 });
    expect(toolchain?.top.map((t) => t.path)).toEqual(['/usr/bin/python3.11', '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0', '/usr/lib/python3.11']);
    const app = await analyzeImage(await buildImage({ layers: [[...python, { path: 'app/main.py', size: 10 }]] }));
    expect(app.report.removable.categories.find((c) => c.id === 'build-toolchain')).toBeUndefined();
  });

  it('reports security facts with secrets redacted', async () => {
    const image = await buildImage({
      config: {
        User: 'app',
        Env: ['PATH=/usr/bin', 'DB_PASSWORD=hunter2-very-secret', 'GH=ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'DB_PASSWORD_FILE=/run/secrets/db', 'sessionKey=s3ss10n-k3y'],
        Labels: { 'com.example.api-key': 'k-123456', maintainer: 'me' },
        ExposedPorts: { '8080/tcp': {} },
      },
      layers: [
        { files: [
          { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n' },
          { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
          { path: 'usr/bin/dash', size: 10, mode: 0o755 },
          { path: 'bin/sh', type: 'symlink', target: '/usr/bin/dash' },
          { path: 'usr/bin/passwd', size: 10, mode: 0o4755 },
          { path: 'usr/bin/apt-get', size: 10, mode: 0o755 },
          { path: 'tmp/', type: 'dir', mode: 0o1777 },
          { path: 'data/', type: 'dir', mode: 0o777 },
        ] },
        { files: [{ path: 'app/x', size: 1 }], createdBy: '|1 NPM_TOKEN=abc123 /bin/sh -c npm ci' },
        { empty: true, createdBy: 'RUN curl -fsS https://deploy:Zq8sK2mP9vX4@hooks.example.invalid/build' },
        { empty: true, createdBy: '|2 SIGNING_KEY=s1gn-4567 TOKEN_URL=https://auth.example.invalid/token /bin/sh -c make' },
      ],
    });
    const { report } = await analyzeImage(image);
    const s = report.security;
    expect(s.user).toMatchObject({ name: 'app', uid: 10001, root: false, numeric: false });
    expect(s.setuid.map((p) => p.path)).toEqual(['/usr/bin/passwd']);
    expect(s.worldWritable.map((p) => p.path)).toEqual(['/data']);
    expect(s.shells).toEqual(['/bin/sh']);
    expect(s.packageManagers).toEqual(['/usr/bin/apt-get']);
    expect(s.exposedPorts).toEqual(['8080/tcp']);
    expect(s.healthcheck.configured).toBe(false);
    // names are read as words: a secret file's path and a token's URL are not secrets, a camelCase key is
    expect(s.secrets.map((x) => x.where)).toEqual(['Env DB_PASSWORD', 'Env GH', 'Env sessionKey', 'Labels com.example.api-key', 'history[1]', 'history[2]', 'history[3]']);
    expect(report.sizes.emptyLayers.map((l) => l.createdBy)).toEqual([
      'RUN curl -fsS https://deploy:<redacted>@hooks.example.invalid/build',
      '|2 SIGNING_KEY=<redacted> TOKEN_URL=https://auth.example.invalid/token /bin/sh -c make',
    ]);
    const text = JSON.stringify(report);
    for (const secret of ['hunter2', 'ghp_abcdef', 'k-123456', 'abc123', 'Zq8sK2mP9vX4', 's3ss10n', 's1gn-4567']) expect(text).not.toContain(secret);
    expect(report.base.os).toMatchObject({ id: 'debian', versionId: '12' });
  });

  it('knows root and unresolvable users', async () => {
    const root = await analyzeImage(await buildImage({ layers: [[{ path: 'x', size: 1 }]] }));
    expect(root.report.security.user.root).toBe(true);
    expect(root.report.findings.some((f) => f.id === 'security/root-user')).toBe(true);
    const numeric = await analyzeImage(await buildImage({ config: { User: '1000:1000' }, layers: [[{ path: 'x', size: 1 }]] }));
    expect(numeric.report.security.user).toMatchObject({ uid: 1000, root: false, numeric: true, group: '1000' });
    const unknown = await analyzeImage(await buildImage({ config: { User: 'nobody' }, layers: [[{ path: 'x', size: 1 }]] }));
    expect(unknown.report.security.user.root).toBeUndefined();
  });

  it('reports base pinning from annotations', async () => {
    const tag = await analyzeImage(await buildImage({ annotations: { 'org.opencontainers.image.base.name': 'docker.io/library/debian:bookworm' }, layers: [[{ path: 'x', size: 1 }]] }));
    expect(tag.report.base.pinned).toBe(false);
    expect(tag.report.findings.some((f) => f.id === 'base/unpinned')).toBe(true);
    const pinned = await analyzeImage(await buildImage({ annotations: { 'org.opencontainers.image.base.name': 'debian:bookworm', 'org.opencontainers.image.base.digest': 'sha256:' + 'a'.repeat(64) }, layers: [[{ path: 'x', size: 1 }]] }));
    expect(pinned.report.base.pinned).toBe(true);
  });
  it('estimates a base swap from every removable byte of the base, not only the largest groups', async () => {
    // 15 doc folders in the base: the category lists its 10 largest, the estimate must count all 15
    const folders = ['doc', 'man', 'info', 'gtk-doc', 'help', 'lintian', 'linda'];
    const docs = [...folders.map((f) => `usr/share/${f}`), ...folders.map((f) => `usr/local/share/${f}`), 'usr/share/locale'].map((dir) => ({ path: `${dir}/x/file`, size: 100_000 }));
    const image = await buildImage({
      // a shell script on a base with node: node runs it
      config: { Cmd: ['/app/a'] },
      layers: [
        { files: [{ path: 'usr/lib/libbig.so', content: Buffer.alloc(30_000_000) }, { path: 'usr/bin/node', content: Buffer.alloc(1_000, 1), mode: 0o755 }, ...docs], createdBy: '/bin/sh -c #(nop) ADD file:base in / ' },
        { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["bash"]' },
        { files: [{ path: 'app/a', size: 50, mode: 0o755 }], createdBy: 'COPY . /app # buildkit' },
      ],
    });
    const { report } = await analyzeImage(image);
    expect(report.removable.bytes).toBe(1_500_000);
    expect(report.estimate.high).toBe(30_001_050);
    // the image's own bytes are its app layer's 50, so the swap is those plus node and the distroless base
    expect(report.estimate.low).toBe(50 + 1_000 + 23 * 1024 * 1024);
    expect(report.estimate.reasoning.join('\n')).toContain("the image's own 50 bytes");
  });
  it('keeps the node binary the image runs in the base-swap estimate, found along its PATH', async () => {
    const image = await buildImage({
      config: { Env: ['PATH=/nodejs/bin:/usr/bin:/bin'], Cmd: ['node', '/app/a'] },
      layers: [
        { files: [{ path: 'usr/lib/libbig.so', content: Buffer.alloc(30_000_000) }, { path: 'nodejs/bin/node', content: Buffer.alloc(5_000_000), mode: 0o755 }], createdBy: '/bin/sh -c #(nop) ADD file:base in / ' },
        { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["node"]' },
        { files: [{ path: 'app/a', size: 50 }], createdBy: 'COPY . /app # buildkit' },
      ],
    });
    const { report } = await analyzeImage(image);
    expect(report.estimate.low).toBe(50 + 5_000_000 + 23 * 1024 * 1024);
    expect(report.estimate.reasoning.join('\n')).toContain('plus the node runtime binary it carries (5000000 bytes)');
  });
});

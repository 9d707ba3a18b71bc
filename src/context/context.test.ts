import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShipshapeError } from '../internal/errors.js';
import { analyzeContext, isSecretName } from './context.js';

async function tree(files: Record<string, string | number>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-context-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), typeof content === 'number' ? Buffer.alloc(content) : content);
  }
  return dir;
}

describe('analyzeContext', () => {
  it('sizes the context with and without the .dockerignore, and lists the largest entries', async () => {
    const dir = await tree({
      'Dockerfile': 'FROM scratch\nCOPY app.js /\n',
      '.dockerignore': 'node_modules\n',
      'app.js': 100,
      'node_modules/a/index.js': 5000,
      'docs/guide.md': 300,
    });
    const r = await analyzeContext({ dir, top: 2 });
    expect(r.ignoreFile).toBe('.dockerignore');
    const small = 'FROM scratch\nCOPY app.js /\n'.length + 'node_modules\n'.length;
    expect(r.total).toEqual({ files: 5, bytes: 100 + 5000 + 300 + small });
    expect(r.sent).toEqual({ files: 4, bytes: 100 + 300 + small });
    expect(r.largest.map((e) => e.path)).toEqual(['docs', 'app.js']);
    expect(r.largestFiles[0]).toEqual({ path: 'docs/guide.md', files: 1, bytes: 300 });
    expect(r.copyBreaks).toEqual([]);
    expect(r.shouldIgnore).toEqual([]);
  });

  it("follows Docker's matching rules: parents, root-only wildcards, exceptions, leading slashes", async () => {
    const dir = await tree({
      '.dockerignore': '/build\n*.md\n!README.md\n**/*.log\ncache/\n',
      'build/out/x.js': 1,
      'README.md': 1,
      'CHANGES.md': 1,
      'docs/a.md': 1,
      'deep/er/trace.log': 1,
      'cache/c': 1,
      'keep.js': 1,
    });
    const r = await analyzeContext({ dir });
    const sent = r.largestFiles.map((e) => e.path).sort();
    // `*.md` matches at the root only; `cache/` is cleaned to `cache`
    expect(sent).toEqual(['.dockerignore', 'README.md', 'docs/a.md', 'keep.js']);
  });

  it('reports .git, dependencies, build output and secret-looking files by name only', async () => {
    const dir = await tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'node_modules/x/y.js': 2000,
      'dist/app.js': 10,
      '.env': 'TOKEN=very-secret-value\n',
      '.env.example': 'TOKEN=\n',
      'config/server.key': 'PRIVATE',
      'id_ed25519.pub': 'ssh-ed25519 AAAA',
      'src/main.js': 1,
    });
    const r = await analyzeContext({ dir });
    expect(r.ignoreFile).toBeNull();
    expect(r.git).toMatchObject({ present: true, sent: true, files: 1 });
    expect(r.secrets.sort()).toEqual(['.env', 'config/server.key']);
    expect(r.shouldIgnore.map((s) => `${s.reason}:${s.path}`)).toEqual(['dependencies:node_modules', 'secret:.env', 'vcs:.git', 'build-output:dist', 'secret:config/server.key']);
    expect(JSON.stringify(r)).not.toContain('very-secret-value');
  });

  it('calls a nested dist, build or target build output only beside a project manifest, not a source folder of that name', async () => {
    const dir = await tree({
      'dist/app.js': 1,
      'packages/api/package.json': '{}',
      'packages/api/dist/index.js': 1,
      'app/build.gradle': '',
      'app/build/classes/A.class': 1,
      'svc/Svc.csproj': '',
      'svc/out/Svc.dll': 1,
      'src/build/engine.ts': 1,
      'internal/build/build.go': 1,
      'crates/x/target/debug/x': 1,
    });
    const r = await analyzeContext({ dir });
    expect(r.shouldIgnore.map((s) => s.path).sort()).toEqual(['app/build', 'dist', 'packages/api/dist', 'svc/out']);
  });

  it('finds COPY sources the .dockerignore excludes or that do not exist', async () => {
    const dir = await tree({
      'Dockerfile': 'FROM scratch AS base\nCOPY src/app.js /\nCOPY --from=base /x /y\nCOPY missing.txt *.json /\nADD https://example.com/a.tgz /\nCOPY config/ /config/\n',
      '.dockerignore': 'src\nconfig/*.yaml\n',
      'src/app.js': 1,
      'config/a.yaml': 1,
      'package.json': 1,
    });
    const r = await analyzeContext({ dir });
    expect(r.copyBreaks).toEqual([
      { line: 2, source: 'src/app.js', problem: 'excluded' },
      { line: 4, source: 'missing.txt', problem: 'missing' },
      { line: 6, source: 'config/', problem: 'excluded' },
    ]);
  });

  // each row checked against DOCKER_BUILDKIT=1 docker build (20.10): BuildKit copies nothing for a wildcard without
  // a match, and fails only when the folder before the first wildcard is not in the context
  it.each([
    ['', 'COPY package.json yarn.lock* ./', []],
    ['', 'COPY src/*.json /x/', []],
    ['', 'COPY s*/b.js /x/', []],
    ['src/*\n', 'COPY src/*.js /x/', []],
    ['src/a.js\n', 'COPY src/a.js* /x/', []],
    ['', 'COPY nodir/*.js /x/', [{ line: 2, source: 'nodir/*.js', problem: 'missing' }]],
    ['', 'COPY nodir/sub/*.js /x/', [{ line: 2, source: 'nodir/sub/*.js', problem: 'missing' }]],
    ['src\n', 'COPY src/*.js /x/', [{ line: 2, source: 'src/*.js', problem: 'excluded' }]],
  ])('with .dockerignore %j, %s breaks the build: %j', async (ignore, copy, breaks) => {
    const dir = await tree({ '.dockerignore': ignore, 'Dockerfile': `FROM scratch\n${copy}\n`, 'package.json': '{}', 'src/a.js': 1 });
    const r = await analyzeContext({ dir });
    expect(r.copyBreaks).toEqual(breaks);
  });

  it('prefers <Dockerfile>.dockerignore beside the Dockerfile, as BuildKit does', async () => {
    const dir = await tree({ 'build/app.Dockerfile': 'FROM scratch\n', 'build/app.Dockerfile.dockerignore': 'secret.txt\n', '.dockerignore': '', 'secret.txt': 1 });
    const r = await analyzeContext({ dir, dockerfile: join(dir, 'build/app.Dockerfile') });
    expect(r.ignoreFile).toBe('build/app.Dockerfile.dockerignore');
    expect(r.sent.files).toBe(r.total.files - 1);
  });

  it('does not follow symbolic links out of the context', async () => {
    const dir = await tree({ 'a.txt': 1 });
    await symlink('/etc', join(dir, 'etc-link'));
    const r = await analyzeContext({ dir });
    expect(r.total.files).toBe(2);
    expect(r.largestFiles.map((f) => f.path)).toContain('etc-link');
  });

  it('leaves out a named pipe, which BuildKit does not send (a COPY . /ctx of docker build 20.10 has no trace of it)', async () => {
    const dir = await tree({ 'a.txt': 1 });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const r = await analyzeContext({ dir });
    expect(r.total).toEqual({ files: 1, bytes: 1 });
    expect(r.sent).toEqual({ files: 1, bytes: 1 });
  });

  it('walks the folder a symbolic link given as the context names, as docker build does', async () => {
    const dir = await tree({ 'Dockerfile': 'FROM scratch\nCOPY a.txt /\n', 'a.txt': 1 });
    const link = `${dir}-link`;
    await symlink(dir, link);
    const r = await analyzeContext({ dir: link });
    expect(r.total.files).toBe(2);
    expect(r.copyBreaks).toEqual([]);
  });

  it('fails with one line for a missing directory or Dockerfile', async () => {
    await expect(analyzeContext({ dir: '/nonexistent/ctx' })).rejects.toThrow(/\/nonexistent\/ctx: no such directory/);
    const dir = await tree({ 'a': 1 });
    await expect(analyzeContext({ dir, dockerfile: join(dir, 'nope.Dockerfile') })).rejects.toThrow(/nope\.Dockerfile: no such file/);
  });

  it('refuses a FIFO or an oversized file in place of the Dockerfile or .dockerignore instead of waiting on it', async () => {
    const dir = await tree({ 'a.txt': 1 });
    execFileSync('mkfifo', [join(dir, '.dockerignore')]);
    await expect(analyzeContext({ dir })).rejects.toThrow(`${join(dir, '.dockerignore')}: not a file`);
    const other = await tree({ 'a.txt': 1, '.dockerignore': 'x'.repeat(4 * 1024 * 1024 + 1) });
    await expect(analyzeContext({ dir: other })).rejects.toThrow(/\.dockerignore: 4194305 bytes: larger than the 4 MiB a \.dockerignore may be/);
    const third = await tree({ 'a.txt': 1 });
    execFileSync('mkfifo', [join(third, 'Dockerfile')]);
    await expect(analyzeContext({ dir: third })).rejects.toThrow(`${join(third, 'Dockerfile')}: not a file`);
  });

  it.each([
    ['.env', true],
    ['.env.production', true],
    ['.env.example', false],
    ['id_rsa', true],
    ['id_rsa.pub', false],
    ['tls.pem', true],
    ['credentials.json', true],
    ['index.js', false],
  ])('%s looks like a secret: %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  it('a pattern Docker refuses is one error naming the .dockerignore and its line', async () => {
    const dir = await tree({ '.dockerignore': '# comment\nnode_modules\nsrc/[abc\n', 'app.js': 1 });
    const error = await analyzeContext({ dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect(error).toMatchObject({ code: 'invalid-input' });
    expect(String(error)).toBe(`ShipshapeError: ${join(dir, '.dockerignore')}:3: pattern src/[abc is not valid (Unterminated character class)`);
  });

  it('matches case-sensitively, as Docker does: Build/ and NOTES.MD are sent past build and *.md', async () => {
    const dir = await tree({ '.dockerignore': 'build\n*.md\n', 'Dockerfile': 'FROM scratch\nCOPY Build/app.js NOTES.MD /\n', 'Build/app.js': 1, 'NOTES.MD': 1, 'build/x': 1, 'a.md': 1 });
    const r = await analyzeContext({ dir });
    expect(r.copyBreaks).toEqual([]);
    expect(r.sent.files).toBe(4);
  });
});

import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectApp } from './detect.js';
import { excludedBy } from './dockerignore.js';
import { generateFiles } from './generate.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const projects: [string, string | undefined][] = [
  ['node-npm-express-ts', undefined],
  ['node-entry-outside-outdir', undefined],
  ['node-pnpm-next', undefined],
  ['node-next-image', undefined],
  ['node-npm-workspaces', undefined],
  ['node-npm-workspaces-ts', undefined],
  ['node-pnpm-workspaces', 'packages/api'],
  ['node-yarn-berry-nest', undefined],
  ['node-yarn-berry-workspaces', 'apps/web'],
  ['node-bun', undefined],
  ['node-bun-workspaces', 'services/payments/eu/worker'],
  ['node-plain', undefined],
  ['go-cmd', 'cmd/api'],
  ['go-root', undefined],
  ['go-cgo', undefined],
  ['go-workspace', undefined],
  ['python-uv-fastapi', undefined],
  ['python-poetry', undefined],
  ['python-pdm', undefined],
  ['python-flask-gunicorn', undefined],
  ['python-plain', undefined],
  ['python-local-requirements', undefined],
  ['python-private-index', undefined],
  ['python-uv-private-index', undefined],
  ['python-uv-workspace', 'packages/api'],
  ['python-poetry-private-index', undefined],
  ['python-pdm-private-index', undefined],
  ['java-maven-spring', undefined],
  ['java-gradle', undefined],
  ['java-maven-plain', undefined],
  ['java-maven-libs', undefined],
  ['rust-bin', undefined],
  ['rust-workspace', undefined],
  ['rust-vendored', undefined],
  ['rust-targets', undefined],
];

async function generate(name: string, app: string | undefined, compat = false) {
  const root = resolve(fixtures, name);
  return generateFiles(root, await detectApp(root, app), { compat });
}

/** The instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

describe('generated Dockerfiles', () => {
  it.each(projects)('%s matches its golden file', async (name, app) => {
    const files = await generate(name, app);
    await expect(files.dockerfile).toMatchFileSnapshot(resolve(fixtures, '__golden__', `${name}.Dockerfile`));
    await expect(files.dockerignore).toMatchFileSnapshot(resolve(fixtures, '__golden__', `${name}.dockerignore`));
  });

  it.each(projects)('%s: builder and runtime stages, non-root, exec form, manifests before sources', async (name, app) => {
    const { dockerfile, dockerignore } = await generate(name, app);
    const lines = instructions(dockerfile);
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(1);
    // the last stage is the runtime: non-root, exec form
    const runtime = lines.slice(lines.lastIndexOf(froms[froms.length - 1] ?? ''));
    expect(runtime.filter((l) => l.startsWith('USER '))).toEqual(['USER 65532:65532']);
    const entry = runtime.find((l) => l.startsWith('ENTRYPOINT '));
    expect(entry).toMatch(/^ENTRYPOINT \[".*"\]$/);
    for (const l of lines.filter((l) => l.startsWith('CMD '))) expect(l).toMatch(/^CMD \[/);
    // in every stage that installs dependencies, the install comes before COPY . .
    const install = lines.findIndex((l) => /\b(npm ci|npm install|yarn install|pnpm install|bun install|go mod download|pip install --target=\/deps -r|dependency:go-offline|dependencies|cargo build)\b/.test(l));
    const sources = lines.findIndex((l) => /^COPY (--link )?\. \.$|^COPY (--link )?src \.\/src$/.test(l));
    // (a Cargo workspace builds its dependencies under a cache mount after COPY . . instead)
    if (install >= 0 && sources >= 0 && name !== 'rust-workspace') expect(install).toBeLessThan(sources);
    // never a heredoc, never a secret in the image
    expect(dockerfile).not.toMatch(/<<-?\s*['"]?\w+/);
    expect(dockerignore).toMatch(/^\*\*\/\.env$/m);
  });

  it('uses BuildKit cache mounts for the package managers', async () => {
    expect((await generate('node-npm-express-ts', undefined)).dockerfile).toMatch(/RUN --mount=type=cache,target=\/root\/\.npm /);
    expect((await generate('go-root', undefined)).dockerfile).toMatch(/--mount=type=cache,target=\/go\/pkg\/mod/);
    expect((await generate('python-plain', undefined)).dockerfile).toMatch(/--mount=type=cache,target=\/root\/\.cache\/pip/);
  });

  it('exposes the detected port and explains the runtime base', async () => {
    const { dockerfile, runtime } = await generate('go-root', undefined);
    expect(dockerfile).toMatch(/^EXPOSE 9090$/m);
    expect(runtime).toBe('gcr.io/distroless/static-debian12:nonroot');
    expect(dockerfile).toMatch(/# Runtime: distroless static: .*\n(#.*\n)*FROM gcr\.io\/distroless\/static-debian12:nonroot\n/);
    expect(dockerfile).toMatch(/CGO_ENABLED=0 go build/);
    expect((await generate('go-cgo', undefined)).runtime).toBe('gcr.io/distroless/base-debian12:nonroot');
    expect((await generate('rust-workspace', undefined)).runtime).toBe('gcr.io/distroless/cc-debian12:nonroot');
    expect((await generate('python-uv-fastapi', undefined)).runtime).toBe('python:3.12-slim-bookworm');
    expect((await generate('python-plain', undefined)).runtime).toBe('gcr.io/distroless/python3-debian12:nonroot');
  });

  it('Next.js standalone: drops the AMP validator always, sharp and libvips only when nothing imports next/image', async () => {
    const plain = instructions((await generate('node-pnpm-next', undefined)).dockerfile).join('\n');
    expect(plain).toMatch(/pnpm run build\s+&& rm -rf \S*amphtml-validator \S*\.pnpm\/sharp@\* \S*\.pnpm\/@img\+\*$/m);
    const images = (await generate('node-next-image', undefined)).dockerfile;
    expect(images).toMatch(/# sharp stays: the app imports next\/image/);
    expect(instructions(images).join('\n')).toMatch(/npm run build\s+&& rm -rf \.next\/standalone\/node_modules\/next\/dist\/compiled\/amphtml-validator$/m);
  });

  it('--compat drops COPY --link; the default keeps it', async () => {
    expect((await generate('node-npm-express-ts', undefined, false)).dockerfile).toMatch(/^COPY --link /m);
    expect(instructions((await generate('node-npm-express-ts', undefined, true)).dockerfile).join('\n')).not.toMatch(/--link/);
  });

  it('--base-map substitutes bases by reference or repository; --pin digests pin the rest', async () => {
    const root = resolve(fixtures, 'go-root');
    const app = await detectApp(root);
    const digest = `sha256:${'a'.repeat(64)}`;
    const { dockerfile, bases } = await generateFiles(root, app, {
      baseMap: { 'golang:1.19-bookworm': 'local/golang:1.19' },
      digests: { 'gcr.io/distroless/static-debian12:nonroot': digest },
    });
    expect(bases).toEqual(['local/golang:1.19', 'gcr.io/distroless/static-debian12:nonroot']);
    expect(dockerfile).toMatch(/^FROM local\/golang:1\.19 AS build$/m);
    expect(dockerfile).toMatch(new RegExp(`^FROM gcr\\.io/distroless/static-debian12:nonroot@${digest}$`, 'm'));
    const byRepo = await generateFiles(root, app, { baseMap: { 'gcr.io/distroless/static-debian12': 'local/static:1' } });
    expect(byRepo.dockerfile).toMatch(/^FROM local\/static:1$/m);
  });

  it('the .dockerignore never excludes what the Dockerfile copies by name', async () => {
    for (const [name, app] of projects) {
      const { dockerfile, dockerignore } = await generate(name, app);
      const patterns = dockerignore.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      for (const line of instructions(dockerfile).filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
        const sources = line.split(/\s+/).slice(1, -1).filter((s) => !s.startsWith('--') && s !== '.');
        for (const source of sources) expect(excludedBy(patterns, source), `${name}: ${source}`).toBe(false);
      }
    }
  });

  it('every file or folder the Dockerfile copies by name is in the project', async () => {
    for (const [name, app] of projects) {
      const { dockerfile } = await generate(name, app);
      for (const line of instructions(dockerfile).filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
        // (the java-gradle fixture holds its build files only: a Gradle project's src is there in real life)
        const sources = line.split(/\s+/).slice(1, -1).filter((s) => !s.startsWith('--') && s !== '.' && !(name === 'java-gradle' && s === 'src'));
        for (const source of sources) expect(existsSync(resolve(fixtures, name, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('judges what a pattern excludes case-sensitively, as Docker does', () => {
    expect(excludedBy(['build'], 'Build/server.js')).toBe(false);
    expect(excludedBy(['build'], 'build/server.js')).toBe(true);
  });

  it('golden files exist for every project', () => {
    const golden = readdirSync(resolve(fixtures, '__golden__'));
    for (const [name] of projects) expect(golden).toContain(`${name}.Dockerfile`);
  });
});

describe('generated from a project written by the test', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function project(files: Record<string, string>, app?: string) {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-generate-'));
    made.push(root);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return generateFiles(root, await detectApp(root, app));
  }

  const node = (scripts: Record<string, string>, extra: Record<string, string> = {}) =>
    project({ 'package.json': JSON.stringify({ name: 'app', scripts, dependencies: { express: '4' } }), 'package-lock.json': '{}', 'index.js': '', 'src/server.js': '', 'tracing.js': '', ...extra });

  it('keeps the start script\'s node options, script and arguments; a preload is not taken for the app', async () => {
    const { dockerfile, notes } = await project({
      'package.json': JSON.stringify({ name: 'app', scripts: { start: 'node --require ./tracing.js -r dotenv/config src/server.js --port 9000' }, dependencies: { express: '4' } }),
      'package-lock.json': '{}',
      'src/server.js': '',
      'tracing.js': '',
    });
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/nodejs\/bin\/node", "--require", "\.\/tracing\.js", "-r", "dotenv\/config"\]\nCMD \["src\/server\.js", "--port", "9000"\]$/m);
    expect(notes).toEqual([]);
  });

  it('a built app gets the file its start script preloads from outside the build output', async () => {
    const { dockerfile, dockerignore } = await node({ build: 'tsc', start: 'node --require ./test/tracing.js dist/server.js' }, { 'test/tracing.js': '' });
    expect(dockerfile).toMatch(/^COPY --from=build --link \/app\/test\/tracing\.js \.\/test\/tracing\.js$/m);
    expect(dockerignore).not.toMatch(/^test$/m);
  });

  it('a built app whose entry lies outside the build output gets it from the build stage, resolved as node finds it', async () => {
    const root = await node({ build: 'tsc', start: 'node server' }, { 'server.js': "require('./dist/app.js')" });
    expect(instructions(root.dockerfile).filter((l) => l.startsWith('COPY --from=build'))).toEqual(['COPY --from=build --link /app/dist ./dist', 'COPY --from=build --link /app/server.js ./server.js']);
    expect(root.dockerfile).toMatch(/^CMD \["server\.js"\]$/m);
    const main = await project({ 'package.json': JSON.stringify({ name: 'app', main: 'lib/index.js', scripts: { build: 'tsc' } }), 'package-lock.json': '{}', 'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" } }', 'lib/index.js': '' });
    expect(main.dockerfile).toMatch(/^COPY --from=build --link \/app\/lib\/index\.js \.\/lib\/index\.js$/m);
    expect(main.dockerfile).toMatch(/^CMD \["lib\/index\.js"\]$/m);
    // inside the build output: nothing copied by name, and the output stays out of the context
    const inside = await node({ build: 'tsc', start: 'node --require ./dist/tracing.js dist/server.js' });
    expect(instructions(inside.dockerfile).filter((l) => l.startsWith('COPY --from=build'))).toEqual(['COPY --from=build --link /app/dist ./dist']);
    expect(inside.dockerignore).toMatch(/^dist$/m);
  });

  it('TypeScript the start script runs through a loader: a built app runs the build output without the loader, an unbuilt one gets a note', async () => {
    const built = await node({ build: 'tsc', start: 'node --import tsx --enable-source-maps src/server.ts' }, { 'src/server.ts': '' });
    expect(built.dockerfile).toMatch(/^ENTRYPOINT \["\/nodejs\/bin\/node", "--enable-source-maps"\]\nCMD \["dist\/server\.js"\]$/m);
    expect(built.dockerfile).not.toMatch(/src\/server\.ts/);
    expect(built.notes).toEqual(["package.json: scripts.start runs src/server.ts through tsx, TypeScript; the image runs the build's dist/server.js instead, with no loader: check the build writes it there"]);
    const unbuilt = await node({ start: 'node -r ts-node/register src/server.ts' }, { 'src/server.ts': '' });
    expect(unbuilt.notes).toEqual([
      "package.json: scripts.start names src/server.ts, TypeScript, and there is no build script: the image runs it as it is, which needs a TypeScript loader among the dependencies (not devDependencies) or node's type stripping (Node 22.18 and later); a build script that compiles it gives a JavaScript image",
    ]);
    // the loader among the production dependencies: the image can run it as it is
    const loaded = await project({ 'package.json': JSON.stringify({ name: 'app', scripts: { start: 'node --import tsx src/server.ts' }, dependencies: { tsx: '4' } }), 'package-lock.json': '{}', 'src/server.ts': '' });
    expect(loaded.notes).toEqual([]);
    expect(loaded.dockerfile).toMatch(/^ENTRYPOINT \["\/nodejs\/bin\/node", "--import", "tsx"\]\nCMD \["src\/server\.ts"\]$/m);
  });

  it('sets the start script\'s variables in the image, except NODE_ENV and secrets, whose values appear nowhere', async () => {
    const { dockerfile, notes } = await node({ start: 'NODE_ENV=development PORT=8080 API_TOKEN=s3cr3t DATABASE_URL=postgres://app:s3cr3t@db/app node src/server.js' });
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production PORT=8080$/m);
    expect(notes).toEqual([
      'package.json: scripts.start sets API_TOKEN, which looks secret and is left out of the image: pass it at run time',
      'package.json: scripts.start sets DATABASE_URL, which looks secret and is left out of the image: pass it at run time',
    ]);
    expect(JSON.stringify({ dockerfile, notes })).not.toContain('s3cr3t');
  });

  it('a start script that is not one node command is named in a note, not taken for a missing one', async () => {
    const chained = await node({ start: 'npm run migrate && node src/server.js' });
    expect(chained.notes).toEqual(['package.json: scripts.start runs more than a single command, not `node FILE`, which an image without a shell or dev dependencies cannot run; the Dockerfile runs index.js']);
    const runner = await project({ 'package.json': JSON.stringify({ name: 'app', scripts: { start: 'ts-node src/index.ts' }, devDependencies: { 'ts-node': '10' } }), 'package-lock.json': '{}' });
    expect(runner.notes).toEqual(['package.json: scripts.start runs ts-node, not `node FILE`, which an image without a shell or dev dependencies cannot run; the Dockerfile runs index.js']);
  });

  it('runs the bin a package has instead of an index.js it lacks; a main that is not there is a note', async () => {
    const bin = await project({ 'package.json': JSON.stringify({ name: 'app', bin: { app: './cli.js' } }), 'package-lock.json': '{}', 'cli.js': '' });
    expect(bin.dockerfile).toMatch(/^CMD \["cli\.js"\]$/m);
    expect(bin.notes).toEqual([]);
    const missing = await project({ 'package.json': JSON.stringify({ name: 'app', main: 'lib/missing.js' }), 'package-lock.json': '{}' });
    expect(missing.notes).toEqual(['package.json: main names lib/missing.js, which is not in the project; the container will not start until it is']);
  });

  it('copies the requirement files requirements.txt includes, in their folders, before pip reads them', async () => {
    const { dockerfile, notes } = await project({
      'requirements.txt': '-r requirements/base.txt\n--constraint=constraints.txt\nuvicorn\n',
      'requirements/base.txt': '-r common.txt  # shared\nfastapi\n',
      'requirements/common.txt': 'pydantic\n',
      'constraints.txt': 'pydantic<3\n',
      'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    });
    const copies = instructions(dockerfile).filter((l) => l.startsWith('COPY '));
    expect(copies.slice(0, 3)).toEqual(['COPY --link requirements.txt constraints.txt ./', 'COPY --link requirements/base.txt ./requirements/', 'COPY --link requirements/common.txt ./requirements/']);
    expect(dockerfile).toMatch(/"uvicorn", "app\.main:app"/);
    expect(notes).toEqual([]);
  });

  it('an index URL with credentials is a note naming the host only; a missing include and an included -e . are notes; -e . in requirements.txt itself installs after the sources', async () => {
    const { dockerfile, dockerignore, notes } = await project({
      'requirements.txt': '--index-url https://deploy:s3cr3tT0ken@pypi.corp.example/simple\n--extra-index-url https://${PIP_USER}:${PIP_TOKEN}@mirror.example/simple\n-r missing.txt\n-r dev.txt\n-e .\nflask\n',
      'dev.txt': '--editable .\n',
      'main.py': '',
    });
    expect(notes).toEqual([
      "requirements.txt: the index URL for pypi.corp.example carries credentials, which the image would keep: move the URL out of the file into the build secret pip-index-url, which the Dockerfile's pip install reads: docker build --secret id=pip-index-url,env=PIP_INDEX_URL . (with the URL in PIP_INDEX_URL, or src=FILE)",
      'requirements.txt: includes missing.txt, which is not in the project; pip install will fail',
      "dev.txt: --editable . installs from the project's files, which are copied after the dependencies; pip install will fail until it is removed",
      'requirements.txt: . installed after the sources are copied (pip install --no-deps; not editable): their own dependencies must be listed in the requirements',
    ]);
    // the dependencies install from a copy without the local line, the project itself once the sources are in
    const runs = instructions(dockerfile).filter((l) => l.startsWith('RUN ') || l.startsWith('COPY '));
    expect(runs.findIndex((l) => l.includes('pip install --target=/deps -r requirements.deps.txt'))).toBeLessThan(runs.indexOf('COPY --link . .'));
    expect(runs.findIndex((l) => l.includes('pip install --no-deps --target=/deps .'))).toBeGreaterThan(runs.indexOf('COPY --link . .'));
    expect(JSON.stringify({ dockerfile, dockerignore, notes })).not.toContain('s3cr3t');
  });

  it('an index URL whose user is a ${VARIABLE} but whose password is written out carries credentials; ${VARIABLE}s alone do not', async () => {
    const { notes } = await project({
      'requirements.txt': '--extra-index-url https://${PIP_USER}:s3cr3tT0ken@mirror.example/simple\n--index-url https://${PIP_USER}:${PIP_TOKEN}@pypi.corp.example/simple\nflask\n',
      'main.py': '',
    });
    expect(notes).toEqual([
      "requirements.txt: the index URL for mirror.example carries credentials, which the image would keep: move the URL out of the file into the build secret pip-extra-index-url, which the Dockerfile's pip install reads: docker build --secret id=pip-extra-index-url,env=PIP_EXTRA_INDEX_URL . (with the URL in PIP_EXTRA_INDEX_URL, or src=FILE)",
    ]);
  });

  it('pip reads an index URL with credentials from an optional build secret in every install that reaches the index; no secret mount without one', async () => {
    const { dockerfile, notes } = await project({
      'requirements.txt': '-r base.txt\n-f https://files.example/wheels\nflask\n',
      'base.txt': '--extra-index-url=https://token@extra.example/simple\n-i https://deploy:s3cr3tT0ken@pypi.corp.example/simple?x=1\n',
      'main.py': '',
    });
    expect(notes).toEqual([
      "base.txt: the index URL for extra.example carries credentials, which the image would keep: move the URL out of the file into the build secret pip-extra-index-url, which the Dockerfile's pip install reads: docker build --secret id=pip-extra-index-url,env=PIP_EXTRA_INDEX_URL . (with the URL in PIP_EXTRA_INDEX_URL, or src=FILE)",
      "base.txt: the index URL for pypi.corp.example carries credentials, which the image would keep: move the URL out of the file into the build secret pip-index-url, which the Dockerfile's pip install reads: docker build --secret id=pip-index-url,env=PIP_INDEX_URL . (with the URL in PIP_INDEX_URL, or src=FILE)",
    ]);
    expect(instructions(dockerfile).find((l) => l.includes('pip install'))?.replace(/\s+/g, ' ')).toBe(
      'RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=pip-extra-index-url --mount=type=secret,id=pip-index-url ' +
        'if [ -f /run/secrets/pip-extra-index-url ]; then PIP_EXTRA_INDEX_URL="$(cat /run/secrets/pip-extra-index-url)"; export PIP_EXTRA_INDEX_URL; fi ' +
        '&& if [ -f /run/secrets/pip-index-url ]; then PIP_INDEX_URL="$(cat /run/secrets/pip-index-url)"; export PIP_INDEX_URL; fi ' +
        '&& pip install --target=/deps -r requirements.txt',
    );
    expect(dockerfile).toContain('#   docker build --secret id=pip-extra-index-url,env=PIP_EXTRA_INDEX_URL --secret id=pip-index-url,env=PIP_INDEX_URL .\n');
    expect(JSON.stringify({ dockerfile, notes })).not.toMatch(/s3cr3t|token@/);
    // the project installed after the sources builds with its backend from the same index
    const local = await project({ 'requirements.txt': '--index-url https://deploy:s3cr3tT0ken@pypi.corp.example/simple\n-e .\n', 'pyproject.toml': '[project]\nname = "app"\n', 'main.py': '' });
    expect(instructions(local.dockerfile).filter((l) => l.includes('pip install')).map((l) => l.includes('--mount=type=secret,id=pip-index-url ') && l.includes('export PIP_INDEX_URL'))).toEqual([true, true]);
    // --compat has the same mounts: Docker 20.10's frontend reads secret mounts (not `env=` on them)
    const root = await mkdtemp(join(tmpdir(), 'shipshape-generate-'));
    made.push(root);
    await writeFile(join(root, 'requirements.txt'), '--index-url https://deploy:s3cr3tT0ken@pypi.corp.example/simple\n');
    await writeFile(join(root, 'main.py'), '');
    expect((await generateFiles(root, await detectApp(root), { compat: true })).dockerfile).toMatch(/^RUN --mount=type=cache,target=\/root\/\.cache\/pip --mount=type=secret,id=pip-index-url \\$/m);
    // without credentials (or with pip's own ${VARIABLE} expansion) nothing is mounted
    for (const requirements of ['flask\n', '--index-url https://${PIP_USER}:${PIP_TOKEN}@pypi.corp.example/simple\nflask\n']) {
      const plain = await project({ 'requirements.txt': requirements, 'main.py': '' });
      expect(plain.dockerfile).not.toMatch(/type=secret|\/run\/secrets/);
      expect(plain.notes).toEqual([]);
    }
  });

  it("an index URL in requirements.txt whose ${VARIABLES} .env sets is read from build secrets, one per variable, in every pip install; the value is in no output", async () => {
    const { dockerfile, dockerignore, notes } = await project({
      'requirements.txt': '-r base.txt\n--extra-index-url https://${PIP_USER}:${PIP_TOKEN}@pypi.example.com/simple\n-e .\nflask\n',
      // a variable .env does not set is left to the environment the build runs in, as before
      'base.txt': '--index-url https://${CI_ONLY_TOKEN}@ci.example/simple\n',
      '.env': 'PIP_USER=svc-4f9a\nexport PIP_TOKEN="s3cr3tT0ken"\n',
      'pyproject.toml': '[project]\nname = "app"\n',
      'main.py': '',
    });
    expect(notes.slice(0, 2)).toEqual([
      "requirements.txt: the index URL for pypi.example.com takes ${PIP_USER}, ${PIP_TOKEN} from the environment, which .env sets: the Dockerfile's pip installs read them from the build secrets pip-user, pip-token: docker build --secret id=pip-user,env=PIP_USER --secret id=pip-token,env=PIP_TOKEN .",
      // pip 23.0.1 fails with `deploy is not a valid value for user option` (the e2e stand-in for python:3.11-slim-bookworm)
      'requirements.txt: pip also reads PIP_USER as its --user option, so once it is set for the expansion the install changes or fails; give the variable another name',
    ]);
    const installs = instructions(dockerfile).filter((l) => l.includes('pip install')).map((l) => l.replace(/\s+/g, ' '));
    expect(installs).toHaveLength(2);
    for (const install of installs) {
      expect(install).toMatch(/^RUN --mount=type=cache,target=\/root\/\.cache\/pip --mount=type=secret,id=pip-user --mount=type=secret,id=pip-token /);
      expect(install).toContain('if [ -f /run/secrets/pip-user ]; then PIP_USER="$(cat /run/secrets/pip-user)"; export PIP_USER; fi && if [ -f /run/secrets/pip-token ]; then PIP_TOKEN="$(cat /run/secrets/pip-token)"; export PIP_TOKEN; fi && ');
    }
    expect(dockerfile).not.toContain('CI_ONLY_TOKEN');
    expect(dockerfile).toContain('#   docker build --secret id=pip-user,env=PIP_USER --secret id=pip-token,env=PIP_TOKEN .\n#   (PIP_USER and PIP_TOKEN hold what the requirement files name as ${VARIABLE}, which pip expands; src=FILE reads one from a file instead)\n');
    expect(dockerignore).toMatch(/^\*\*\/\.env$/m);
    expect(JSON.stringify({ dockerfile, dockerignore, notes })).not.toMatch(/s3cr3t|svc-4f9a/);
  });

  it('a package index with credentials in pyproject.toml is read from build secrets by the tool that installs; another tool table is a note naming the host only', async () => {
    const { notes, dockerfile } = await project({
      'pyproject.toml': [
        '[project]\nname = "app"\n',
        '[[tool.poetry.source]]\nname = "corp"\nurl = "https://deploy:s3cr3tT0ken@poetry.corp.example/simple"\n',
        '[[tool.pdm.source]]\nname = "corp"\nurl = "https://${PDM_USER}:${PDM_TOKEN}@pdm.corp.example/simple"\n',
        '[[tool.uv.index]]\nname = "corp"\nurl = "https://deploy:s3cr3tT0ken@uv.corp.example/simple"\n',
        '[[tool.uv.index]]\nname = "public"\nurl = "https://pypi.org/simple"\n',
        '[tool.uv]\nextra-index-url = ["https://s3cr3tT0ken@old.corp.example/simple"]\n',
      ].join('\n'),
      'uv.lock': '',
      'main.py': '',
    });
    expect(notes).toEqual([
      'pyproject.toml: the index URL for poetry.corp.example ([[tool.poetry.source]]) carries credentials, which the image would keep: take them out of the file and pass them as a build secret',
      "pyproject.toml: the index URL for uv.corp.example ([[tool.uv.index]]) carries credentials, which the image would keep: take them out of the URL and pass them as the build secrets uv-index-corp-username and uv-index-corp-password, which the Dockerfile's uv install reads for this index: docker build --secret id=uv-index-corp-username,env=UV_INDEX_CORP_USERNAME --secret id=uv-index-corp-password,env=UV_INDEX_CORP_PASSWORD . (with the user name and the password in the variables, or src=FILE)",
      "pyproject.toml: the index URL for old.corp.example ([tool.uv] extra-index-url) carries credentials, which the image would keep: move the URL out of the file into the build secret uv-extra-index-url, which the Dockerfile's uv install reads: docker build --secret id=uv-extra-index-url,env=UV_EXTRA_INDEX_URL . (with the URL in UV_EXTRA_INDEX_URL, or src=FILE)",
    ]);
    expect(instructions(dockerfile).find((l) => l.includes('uv sync'))?.replace(/\s+/g, ' ')).toBe(
      'RUN --mount=type=cache,target=/root/.cache/uv --mount=type=secret,id=uv-index-corp-username --mount=type=secret,id=uv-index-corp-password --mount=type=secret,id=uv-extra-index-url ' +
        'if [ -f /run/secrets/uv-index-corp-username ]; then UV_INDEX_CORP_USERNAME="$(cat /run/secrets/uv-index-corp-username)"; export UV_INDEX_CORP_USERNAME; fi ' +
        '&& if [ -f /run/secrets/uv-index-corp-password ]; then UV_INDEX_CORP_PASSWORD="$(cat /run/secrets/uv-index-corp-password)"; export UV_INDEX_CORP_PASSWORD; fi ' +
        '&& if [ -f /run/secrets/uv-extra-index-url ]; then UV_EXTRA_INDEX_URL="$(cat /run/secrets/uv-extra-index-url)"; export UV_EXTRA_INDEX_URL; fi ' +
        '&& UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/tmp/venv uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3 && mv /tmp/venv/lib/python3.11/site-packages /deps',
    );
    expect(dockerfile).toContain('#   docker build --secret id=uv-index-corp-username,env=UV_INDEX_CORP_USERNAME --secret id=uv-index-corp-password,env=UV_INDEX_CORP_PASSWORD --secret id=uv-extra-index-url,env=UV_EXTRA_INDEX_URL .\n');
    expect(JSON.stringify({ dockerfile, notes })).not.toMatch(/s3cr3t|deploy/);
    // a source table of an unexpected shape is no index, not an invalid pyproject.toml
    expect((await project({ 'pyproject.toml': '[project]\nname = "app"\n[tool.poetry]\nsource = "corp"\n', 'poetry.lock': '', 'main.py': '' })).notes).toEqual([]);
  });

  it('uv: the dependencies install with uv sync from uv.lock, so a package pinned to an explicit index comes from that index; the builder Python site-packages becomes /deps', async () => {
    const { dockerfile } = await project({
      'pyproject.toml': [
        '[project]\nname = "app"\nrequires-python = ">=3.12"\ndependencies = ["torch", "flask"]\n',
        '[tool.uv.sources]\ntorch = { index = "pytorch" }\n',
        '[[tool.uv.index]]\nname = "pytorch"\nurl = "https://download.pytorch.org/whl/cpu"\nexplicit = true\n',
        '[[tool.uv.index]]\nname = "corp"\nurl = "https://pypi.corp.example/simple"\ndefault = true\n',
      ].join('\n'),
      'uv.lock': '',
      'main.py': '',
    });
    const install = instructions(dockerfile).filter((l) => l.includes(' uv '));
    expect(install.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'RUN --mount=type=cache,target=/root/.cache/uv UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/tmp/venv uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3 && mv /tmp/venv/lib/python3.12/site-packages /deps',
    ]);
    // an exported requirements.txt loses the pin: uv pip install would look torch up on the default index only
    expect(dockerfile).not.toMatch(/uv export|uv pip install|requirements\.txt/);
    expect(dockerfile).toMatch(/^FROM python:3\.12-slim-bookworm AS build$/m);
  });

  it('uv: an unnamed index with credentials comes whole from UV_DEFAULT_INDEX or UV_INDEX; a name gives UV_INDEX_<NAME>_ variables, upper case with - and . as _', async () => {
    const unnamed = await project({
      'pyproject.toml': [
        '[project]\nname = "app"\n',
        '[[tool.uv.index]]\nurl = "https://s3cr3tT0ken@extra.corp.example/simple"\n',
        '[[tool.uv.index]]\nurl = "https://deploy:s3cr3tT0ken@pypi.corp.example/simple"\ndefault = true\n',
        '[[tool.uv.index]]\nname = "Corp.Mirror-2"\nurl = "https://deploy:s3cr3tT0ken@mirror.corp.example/simple"\n',
        '[tool.uv]\nindex-url = "https://deploy:s3cr3tT0ken@legacy.corp.example/simple"\nfind-links = "https://deploy:s3cr3tT0ken@files.corp.example/wheels"\n',
      ].join('\n'),
      'uv.lock': '',
      'main.py': '',
    });
    expect(unnamed.dockerfile).toContain(
      '#   docker build --secret id=uv-index,env=UV_INDEX --secret id=uv-default-index,env=UV_DEFAULT_INDEX --secret id=uv-index-corp-mirror-2-username,env=UV_INDEX_CORP_MIRROR_2_USERNAME --secret id=uv-index-corp-mirror-2-password,env=UV_INDEX_CORP_MIRROR_2_PASSWORD --secret id=uv-index-url,env=UV_INDEX_URL --secret id=uv-find-links,env=UV_FIND_LINKS .\n',
    );
    expect(unnamed.notes.map((n) => /--secret id=\S+/g.exec(n)?.[0])).toEqual(['--secret id=uv-index,env=UV_INDEX', '--secret id=uv-default-index,env=UV_DEFAULT_INDEX', '--secret id=uv-index-corp-mirror-2-username,env=UV_INDEX_CORP_MIRROR_2_USERNAME', '--secret id=uv-index-url,env=UV_INDEX_URL', '--secret id=uv-find-links,env=UV_FIND_LINKS']);
    expect(JSON.stringify(unnamed)).not.toMatch(/s3cr3t|deploy:/);
    // a name uv refuses gets no variable: a note, no mount
    const odd = await project({ 'pyproject.toml': '[project]\nname = "app"\n[[tool.uv.index]]\nname = "corp index"\nurl = "https://deploy:s3cr3tT0ken@pypi.corp.example/simple"\n', 'uv.lock': '', 'main.py': '' });
    expect(odd.notes).toEqual(['pyproject.toml: the index URL for pypi.corp.example ([[tool.uv.index]]) carries credentials, which the image would keep: take them out of the file and pass them as a build secret']);
    expect(odd.dockerfile).not.toMatch(/type=secret|\/run\/secrets/);
  });

  it('poetry reads a source credentials from POETRY_HTTP_BASIC_<SOURCE>_ build secrets and exports them for pip, leaving no list behind; pdm reads ${VARIABLES} in the source URL', async () => {
    const poetry = await project({
      'pyproject.toml': '[tool.poetry]\nname = "app"\n\n[[tool.poetry.source]]\nname = "corp-pypi"\nurl = "https://deploy:s3cr3tT0ken@pypi.corp.example/simple"\npriority = "supplemental"\n',
      'poetry.lock': '',
      'main.py': '',
    });
    expect(poetry.notes).toEqual([
      "pyproject.toml: the index URL for pypi.corp.example ([[tool.poetry.source]]) carries credentials, which the image would keep: take them out of the URL and pass them as the build secrets poetry-http-basic-corp-pypi-username and poetry-http-basic-corp-pypi-password, which the Dockerfile's poetry export reads for this index: docker build --secret id=poetry-http-basic-corp-pypi-username,env=POETRY_HTTP_BASIC_CORP_PYPI_USERNAME --secret id=poetry-http-basic-corp-pypi-password,env=POETRY_HTTP_BASIC_CORP_PYPI_PASSWORD . (with the user name and the password in the variables, or src=FILE)",
    ]);
    expect(instructions(poetry.dockerfile).find((l) => l.includes('poetry export'))?.replace(/\s+/g, ' ')).toBe(
      'RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=poetry-http-basic-corp-pypi-username --mount=type=secret,id=poetry-http-basic-corp-pypi-password ' +
        'if [ -f /run/secrets/poetry-http-basic-corp-pypi-username ]; then POETRY_HTTP_BASIC_CORP_PYPI_USERNAME="$(cat /run/secrets/poetry-http-basic-corp-pypi-username)"; export POETRY_HTTP_BASIC_CORP_PYPI_USERNAME; fi ' +
        '&& if [ -f /run/secrets/poetry-http-basic-corp-pypi-password ]; then POETRY_HTTP_BASIC_CORP_PYPI_PASSWORD="$(cat /run/secrets/poetry-http-basic-corp-pypi-password)"; export POETRY_HTTP_BASIC_CORP_PYPI_PASSWORD; fi ' +
        '&& pip install "poetry>=1.8,<3" "poetry-plugin-export>=1.8" && poetry export --only main --with-credentials -o /tmp/requirements.txt && pip install --target=/deps -r /tmp/requirements.txt && rm -f /tmp/requirements.txt',
    );
    const pdm = await project({
      'pyproject.toml': '[project]\nname = "app"\n\n[tool.pdm]\n\n[[tool.pdm.source]]\nname = "corp.pypi"\nurl = "https://deploy:s3cr3tT0ken@pypi.corp.example/simple"\n',
      'pdm.lock': '',
      'main.py': '',
    });
    expect(pdm.notes).toEqual([
      'pyproject.toml: the index URL for pypi.corp.example ([[tool.pdm.source]]) carries credentials, which the image would keep: write ${PDM_INDEX_CORP_PYPI_USERNAME}:${PDM_INDEX_CORP_PYPI_PASSWORD} in the URL in their place (pdm expands ${VARIABLES} in a source URL, pip in its export) and pass them as the build secrets pdm-index-corp-pypi-username and pdm-index-corp-pypi-password: docker build --secret id=pdm-index-corp-pypi-username,env=PDM_INDEX_CORP_PYPI_USERNAME --secret id=pdm-index-corp-pypi-password,env=PDM_INDEX_CORP_PYPI_PASSWORD . (with the user name and the password in the variables, or src=FILE)',
    ]);
    expect(instructions(pdm.dockerfile).find((l) => l.includes('pdm export'))).toMatch(
      /^RUN --mount=type=cache,target=\/root\/\.cache\/pip --mount=type=secret,id=pdm-index-corp-pypi-username --mount=type=secret,id=pdm-index-corp-pypi-password .*export PDM_INDEX_CORP_PYPI_PASSWORD; fi\s+&& pip install "pdm>=2\.12" .*&& rm -f \/tmp\/requirements\.txt$/,
    );
    expect(JSON.stringify({ poetry, pdm })).not.toMatch(/s3cr3t|deploy:/);
    // --compat has the same mounts, read inside the RUN: Docker 20.10's frontend has no `env=` on a secret mount
    const root = await mkdtemp(join(tmpdir(), 'shipshape-generate-'));
    made.push(root);
    await writeFile(join(root, 'pyproject.toml'), '[tool.poetry]\nname = "app"\n\n[[tool.poetry.source]]\nname = "corp"\nurl = "https://deploy:s3cr3tT0ken@pypi.corp.example/simple"\n');
    await writeFile(join(root, 'poetry.lock'), '');
    await writeFile(join(root, 'main.py'), '');
    const compat = (await generateFiles(root, await detectApp(root), { compat: true })).dockerfile;
    expect(compat).toMatch(/^RUN --mount=type=cache,target=\/root\/\.cache\/pip --mount=type=secret,id=poetry-http-basic-corp-username --mount=type=secret,id=poetry-http-basic-corp-password \\$/m);
    expect(compat).not.toMatch(/--mount=\S*(env=|required=)/);
    // without credentials in the URL (or with ${VARIABLES} already) nothing is mounted and the export is as before
    for (const source of ['url = "https://pypi.corp.example/simple"', 'url = "https://${CORP_USER}:${CORP_TOKEN}@pypi.corp.example/simple"']) {
      const plain = await project({ 'pyproject.toml': `[tool.poetry]\nname = "app"\n\n[[tool.poetry.source]]\nname = "corp"\n${source}\n`, 'poetry.lock': '', 'main.py': '' });
      expect(plain.dockerfile).not.toMatch(/type=secret|\/run\/secrets|--with-credentials|rm -f/);
      expect(plain.notes).toEqual([]);
    }
  });

  it('copies the go.mod of a module replaced by a local directory before go mod download; one outside the context is a note', async () => {
    const { dockerfile, notes } = await project({
      'go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./lib\n\nreplace example.com/other => ../other\n',
      'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n',
      'main.go': 'package main\n\nfunc main() {}\n',
    });
    const lines = instructions(dockerfile);
    const download = lines.findIndex((l) => l.includes('go mod download'));
    expect(lines.indexOf('COPY --link lib/go.mod ./lib/')).toBeGreaterThan(0);
    expect(lines.indexOf('COPY --link lib/go.mod ./lib/')).toBeLessThan(download);
    expect(notes).toEqual(['go.mod: replaces a module with ../other, outside the build context .; go mod download fails until it is inside (or vendored)']);
  });

  it("removes the install root's prepare script before every install, so husky missing from a production install breaks nothing", async () => {
    const { dockerfile } = await node({ prepare: 'husky', build: 'tsc', start: 'node dist/server.js' });
    const runs = instructions(dockerfile).map((l) => l.replace(/\s+/g, ' '));
    expect(runs.filter((l) => /npm ci/.test(l))).toEqual([
      'RUN --mount=type=cache,target=/root/.npm npm pkg delete scripts.prepare && npm ci --omit=dev --no-audit --no-fund',
      'RUN --mount=type=cache,target=/root/.npm npm pkg delete scripts.prepare && npm ci --no-audit --no-fund',
    ]);
    expect((await node({ start: 'node src/server.js' })).dockerfile).not.toMatch(/npm pkg delete/);
    const hooked = await node({ postinstall: 'prisma generate', start: 'node src/server.js' });
    expect(hooked.notes).toEqual([
      "package.json: scripts.postinstall runs in the image's installs, before the sources are copied and, for the runtime, without dev dependencies; make it succeed there",
    ]);
  });

  it('an ASGI app with no server to run it says so, not that there is no app', async () => {
    const { notes } = await project({ 'requirements.txt': 'fastapi\n', 'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' });
    expect(notes).toEqual(['app/main.py: an ASGI app (FastAPI), but neither uvicorn nor gunicorn is a dependency; add uvicorn to serve it; the Dockerfile runs main.py']);
  });

  it("yarn berry: .yarnrc.yml only when there is one, with the release and plugins it names; node_modules linking unless it says so", async () => {
    const yarn = (files: Record<string, string>) =>
      project({ 'package.json': JSON.stringify({ name: 'app', packageManager: 'yarn@4.1.0', main: 'index.js', dependencies: { express: '4' } }), 'yarn.lock': '', 'index.js': '', ...files });
    const configured = instructions(
      (await yarn({ '.yarnrc.yml': 'nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.1.0.cjs\n', '.yarn/releases/yarn-4.1.0.cjs': '', '.yarn/plugins/p.cjs': '' })).dockerfile,
    );
    const copies = configured.findIndex((l) => l.startsWith('COPY'));
    expect(configured.slice(copies, copies + 3)).toEqual([
      'COPY --link package.json yarn.lock .yarnrc.yml ./',
      'COPY --link .yarn/releases ./.yarn/releases/',
      'COPY --link .yarn/plugins ./.yarn/plugins/',
    ]);
    const linker = (l: string) => l.startsWith('ENV ') && l.split(' ').includes('YARN_NODE_LINKER=node-modules');
    expect(configured.filter(linker)).toEqual([]);
    const pnp = instructions((await yarn({})).dockerfile);
    expect(pnp).toContain('COPY --link package.json yarn.lock ./');
    expect(pnp.filter(linker)).toHaveLength(1);
  });

  it("every Node.js builder stage turns npm's update check off before its first RUN; a Bun one has no npm to turn off", async () => {
    // one stage per kind: deps (production install), build (all dependencies and the build script)
    const ts = instructions(
      (
        await project({
          'package.json': JSON.stringify({ name: 'app', scripts: { build: 'tsc', start: 'node dist/index.js' }, dependencies: { express: '4' }, devDependencies: { typescript: '5' } }),
          'package-lock.json': '{}',
          'src/index.ts': '',
        })
      ).dockerfile,
    );
    const stages = ts.join('\n').split(/^FROM /m).slice(1);
    const builders = stages.filter((s) => / AS (deps|build)\n/.test(s));
    expect(builders).toHaveLength(2);
    for (const stage of builders) {
      const lines = stage.split('\n');
      const off = lines.findIndex((l) => l.startsWith('ENV ') && l.split(' ').includes('NPM_CONFIG_UPDATE_NOTIFIER=false'));
      expect(off).toBeGreaterThan(0);
      expect(off).toBeLessThan(lines.findIndex((l) => l.startsWith('RUN ')));
    }
    // the runtime stage has no npm and keeps the image's environment as the app needs it
    expect(stages.at(-1)).not.toContain('NPM_CONFIG_UPDATE_NOTIFIER');
    const bun = (await project({ 'package.json': JSON.stringify({ name: 'app', main: 'index.js', dependencies: { express: '4' } }), 'bun.lockb': '', 'index.js': '' })).dockerfile;
    expect(bun).toContain('oven/bun');
    expect(bun).not.toContain('NPM_CONFIG_UPDATE_NOTIFIER');
  });

  it('builds with cgo, on a runtime with glibc, when a package other than main imports "C" or go.mod requires go-sqlite3', async () => {
    const main = 'package main\n\nfunc main() {}\n';
    const inner = await project({ 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'main.go': main, 'internal/db/db.go': 'package db\n\n// #include <stdlib.h>\nimport "C"\n' });
    expect(inner.dockerfile).toMatch(/CGO_ENABLED=1 go build/);
    expect(inner.runtime).toBe('gcr.io/distroless/base-debian12:nonroot');
    expect(inner.notes).toEqual(['go.mod: internal/db/db.go imports "C"; the binary is built with cgo, and the runtime keeps glibc (distroless base)']);
    const sqlite = await project({ 'go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/mattn/go-sqlite3 v1.14.22 // indirect\n)\n', 'main.go': main });
    expect(sqlite.dockerfile).toMatch(/CGO_ENABLED=1 go build/);
    expect(sqlite.notes).toEqual(['go.mod: requires github.com/mattn/go-sqlite3, which needs cgo; the binary is built with cgo, and the runtime keeps glibc (distroless base)']);
    expect((await project({ 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'main.go': main })).dockerfile).toMatch(/CGO_ENABLED=0 go build/);
  });

  it('a module a go.work uses builds from the workspace root: go.work and every go.mod before go mod download, then the modules', async () => {
    const main = 'package main\n\nimport "example.com/lib"\n\nfunc main() { lib.Run() }\n';
    const { app, dockerfile, dockerignore, notes } = await project({
      'go.work': 'go 1.22\n\nuse (\n\t./api\n\t./docs\n)\n',
      'api/go.mod': 'module example.com/api\n\ngo 1.22\n',
      'api/main.go': main,
      // a module in a folder the .dockerignore would otherwise leave out
      'docs/go.mod': 'module example.com/lib\n\ngo 1.22\n',
      'docs/lib.go': 'package lib\n\nfunc Run() {}\n',
      'README.md': '',
    });
    expect(app).toMatchObject({ path: 'api', context: '.' });
    const lines = instructions(dockerfile).map((l) => l.replace(/\s+/g, ' '));
    expect(lines.slice(lines.indexOf('WORKDIR /src') + 1, lines.findIndex((l) => l.startsWith('FROM gcr.io')))).toEqual([
      'COPY --link go.work ./',
      'COPY --link api/go.mod ./api/',
      'COPY --link docs/go.mod ./docs/',
      'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
      'COPY --link api ./api/',
      'COPY --link docs ./docs/',
      'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ./api',
    ]);
    expect(dockerfile).toMatch(/^# Build: docker build -t api \.$/m);
    expect(excludedBy(dockerignore.split('\n'), 'docs/lib.go')).toBe(false);
    expect(notes).toEqual(['.dockerignore: left out docs (would exclude docs/go.mod, docs)']);
  });

  it('sees cgo in any module the workspace uses, and the workspace root module builds with COPY . .', async () => {
    const { app, dockerfile, notes } = await project({
      'go.work': 'go 1.22\n\nuse .\nuse ./db\n',
      'go.mod': 'module example.com/app\n\ngo 1.22\n',
      'go.sum': '',
      'cmd/server/main.go': 'package main\n\nfunc main() {}\n',
      'db/go.mod': 'module example.com/db\n\ngo 1.22\n',
      'db/db.go': 'package db\n\n// #include <stdlib.h>\nimport "C"\n',
    });
    expect(app).toMatchObject({ path: 'cmd/server', context: '.', cgo: true });
    const lines = instructions(dockerfile);
    expect(lines).toContain('COPY --link go.work go.mod go.sum ./');
    expect(lines).toContain('COPY --link db/go.mod ./db/');
    expect(lines.filter((l) => l.startsWith('COPY --link') && !l.includes('go.mod') && !l.includes('--from'))).toEqual(['COPY --link . .']);
    expect(dockerfile).toMatch(/CGO_ENABLED=1 go build .* \.\/cmd\/server$/m);
    expect(notes).toEqual(['db/go.mod: db/db.go imports "C"; the binary is built with cgo, and the runtime keeps glibc (distroless base)']);
  });

  it('a go.work the build cannot use is a note: a use outside the workspace root, or one that leaves the module out', async () => {
    const main = 'package main\n\nfunc main() {}\n';
    const own = await project({ 'go.work': 'go 1.22\n\nuse .\nuse ../shared // a sibling checkout\n', 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'main.go': main });
    expect(own.notes).toEqual([
      'go.work: uses ../shared, outside the workspace root ., so the image builds . alone (GOWORK=off); modules it takes from the workspace must be required at published versions (or replaced inside .)',
    ]);
    expect(instructions(own.dockerfile)).toContain('ENV GOWORK=off');
    const above = await project({ 'go.work': 'go 1.22\n\nuse ./lib\n', 'api/go.mod': 'module example.com/api\n\ngo 1.22\n', 'api/main.go': main, 'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n' });
    expect(above.app).toMatchObject({ path: 'api', context: 'api' });
    expect(above.notes).toEqual(['go.work: does not use api, so the image builds the module alone; go work use api makes it a module of the workspace']);
    expect(above.dockerfile).not.toMatch(/GOWORK|go\.work/);
  });

  it("a workspace member's package manager is the one the workspace root declares, where the install runs", async () => {
    const { dockerfile, notes } = await project({
      'package.json': JSON.stringify({ name: 'shop', private: true, packageManager: 'yarn@4.1.0', workspaces: ['packages/*'] }),
      'yarn.lock': '',
      '.nvmrc': 'lts/iron\n',
      'packages/api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '4' } }),
      'packages/api/server.js': '',
    });
    expect(dockerfile).toMatch(/yarn workspaces focus --all --production/);
    expect(dockerfile).toMatch(/^FROM gcr\.io\/distroless\/nodejs20-debian12:nonroot$/m);
    expect(dockerfile).not.toMatch(/yarn install --frozen-lockfile/);
    expect(notes).toEqual([]);
  });

  it('a built workspace member: the libraries it imports are built first and their output copied into the runtime, a dev-only one built but not copied', async () => {
    const lines = async (written: Record<string, string>): Promise<string[]> => instructions((await project(written, 'packages/api')).dockerfile).map((i) => i.replace(/\s+/g, ' '));
    const files = (manager: Record<string, string>): Record<string, string> => ({
      ...manager,
      'packages/api/package.json': JSON.stringify({
        name: '@shop/api',
        scripts: { build: 'tsc -p .', start: 'node out/server.js' },
        dependencies: { '@shop/greeting': '1.0.0' },
        devDependencies: { '@shop/types': '1.0.0', '@shop/tooling': '1.0.0' },
      }),
      'packages/api/tsconfig.json': '{ "compilerOptions": { "outDir": "out" } }',
      // greeting's own dependency is built before it; plain (no build script) members are not built
      'packages/greeting/package.json': JSON.stringify({ name: '@shop/greeting', scripts: { build: 'tsc' }, dependencies: { '@shop/words': '1.0.0', '@shop/plain': '1.0.0' } }),
      'packages/words/package.json': JSON.stringify({ name: '@shop/words', scripts: { build: 'tsc' } }),
      'packages/words/tsconfig.json': '{ "compilerOptions": { "outDir": "./lib/" } }',
      'packages/plain/package.json': JSON.stringify({ name: '@shop/plain', main: 'index.js' }),
      'packages/types/package.json': JSON.stringify({ name: '@shop/types', scripts: { build: 'tsc' } }),
      'packages/tooling/package.json': JSON.stringify({ name: '@shop/tooling' }),
      'packages/other/package.json': JSON.stringify({ name: '@shop/other', scripts: { build: 'tsc' } }),
    });
    const npm = await lines(files({ 'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['packages/*'] }), 'package-lock.json': '{}' }));
    expect(npm).toContain('RUN npm run build --workspace packages/words && npm run build --workspace packages/greeting && npm run build --workspace packages/types && npm run build --workspace packages/api');
    expect(npm.filter((i) => i.startsWith('COPY --from=build'))).toEqual([
      'COPY --from=build --link /app/packages/words/lib ./packages/words/lib',
      'COPY --from=build --link /app/packages/greeting/dist ./packages/greeting/dist',
      'COPY --from=build --link /app/packages/api/out ./packages/api/out',
    ]);
    const pnpm = await lines(files({ 'package.json': JSON.stringify({ name: 'shop', private: true, packageManager: 'pnpm@9.15.9' }), 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n', 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }));
    expect(pnpm).toContain('RUN pnpm --filter ./packages/words run build && pnpm --filter ./packages/greeting run build && pnpm --filter ./packages/types run build && pnpm --filter ./packages/api run build');
    const yarn = await lines(files({ 'package.json': JSON.stringify({ name: 'shop', private: true, packageManager: 'yarn@1.22.22', workspaces: ['packages/*'] }), 'yarn.lock': '' }));
    expect(yarn).toContain('RUN yarn workspace @shop/words run build && yarn workspace @shop/greeting run build && yarn workspace @shop/types run build && yarn workspace @shop/api run build');
  });

  it('a built workspace member whose start script runs a file outside its build output gets that file from the build stage', async () => {
    const { dockerfile } = await project({
      'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['packages/*'] }),
      'package-lock.json': '{}',
      'packages/api/package.json': JSON.stringify({ name: '@shop/api', scripts: { build: 'tsc && node bundle.js', start: 'node --require ./tracing.js server.js' } }),
      'packages/api/tsconfig.json': '{ "compilerOptions": { "outDir": "build" } }',
      'packages/api/tracing.js': '',
    });
    expect(instructions(dockerfile).filter((i) => i.startsWith('COPY --from=build'))).toEqual([
      'COPY --from=build --link /app/packages/api/build ./packages/api/build',
      'COPY --from=build --link /app/packages/api/server.js ./packages/api/server.js',
      'COPY --from=build --link /app/packages/api/tracing.js ./packages/api/tracing.js',
    ]);
  });

  it('a workspace member without a build of its own that imports a built library gets a build stage for the library and its output', async () => {
    const { dockerfile } = await project({
      'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['packages/*'] }),
      'package-lock.json': '{}',
      'packages/api/package.json': JSON.stringify({ name: '@shop/api', scripts: { start: 'node server.js' }, dependencies: { '@shop/greeting': '1.0.0' } }),
      'packages/api/server.js': '',
      'packages/greeting/package.json': JSON.stringify({ name: '@shop/greeting', main: 'dist/index.js', scripts: { build: 'tsc' } }),
    });
    const lines = instructions(dockerfile);
    expect(lines).toContain('RUN npm run build --workspace packages/greeting');
    expect(lines.filter((i) => i.startsWith('COPY --from=build'))).toEqual(['COPY --from=build --link /app/packages/greeting/dist ./packages/greeting/dist']);
    expect(lines.at(-1)).toBe('CMD ["server.js"]');
  });
});

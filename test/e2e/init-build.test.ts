/**
 * `shipshape init` end to end: Dockerfiles generated for Node.js (plain, Express + TypeScript, Next.js), Go (a module and a workspace), Rust, Java (Maven) and Python apps are built
 * by the real engine (Docker 20.10's built-in BuildKit frontend, hence `--compat`), run under the constraints the
 * generated `k8s/deployment.yaml` states (read-only root, its emptyDirs as tmpfs, no capabilities, no new
 * privileges, its runAsUser:runAsGroup), answer HTTP on loopback, and a rebuild after one source file changes
 * reuses the dependency layers. The shipshape steps of the generated GitHub workflow run against one built image.
 * A Python app whose private index (on loopback) needs credentials builds with them in requirements.txt and from
 * the build secret the generated Dockerfile reads, which no layer keeps.
 *
 * No public registry is reachable, so the public bases are local stand-ins (./stand-ins.ts) substituted with
 * `--base-map`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { cp, mkdtemp, readFile, rm, writeFile, appendFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import Ajv4 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import yazl from 'yazl';
import { cliPath, dockerCli, missing, run, runCli } from './env.js';
import { baseMapArgs, buildEnv, dockerBuild, freePort, getText, stepCached } from './stand-ins.js';

const skip = missing('docker', 'cli');
/** The official schemas sit beside the checkout (`../shared/schemas`, TESTENV.md); SHIPSHAPE_SCHEMAS overrides. */
const schemaDir = [process.env.SHIPSHAPE_SCHEMAS, resolve(import.meta.dirname, '../../../shared/schemas'), '/work/shared/schemas'].find(
  (d): d is string => d !== undefined && existsSync(resolve(d, 'sarif-2.1.0.schema.json')),
);

interface PodSpec {
  securityContext: { runAsNonRoot: boolean; runAsUser: number; runAsGroup: number; seccompProfile: { type: string } };
  automountServiceAccountToken: boolean;
  containers: {
    securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } };
    volumeMounts: { name: string; mountPath: string }[];
  }[];
  volumes: { name: string; emptyDir?: object }[];
}

/**
 * `docker run` flags for what the Deployment states, read from the generated file (not restated here), after
 * checking that it states all of it: a read-only root with each emptyDir as a tmpfs, every capability
 * dropped, no privilege escalation, its user and group. (seccomp RuntimeDefault is Docker's default profile.)
 */
function hardening(deploymentYaml: string): string[] {
  const [deployment] = parseAllDocuments(deploymentYaml) as { toJS(): unknown }[];
  const pod = (deployment?.toJS() as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  const [container] = pod.containers;
  if (container === undefined) throw new Error('no container in the Deployment');
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(container.securityContext).toEqual({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  const emptyDirs = new Set(pod.volumes.filter((v) => v.emptyDir !== undefined).map((v) => v.name));
  const tmpfs = container.volumeMounts.filter((m) => emptyDirs.has(m.name)).flatMap((m) => ['--tmpfs', m.mountPath]);
  expect(tmpfs).toContain('/tmp');
  return ['--read-only', ...tmpfs, '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--user', `${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`];
}
/** A wheel of one module, `tinyhello`, whose `GREETING` says it came from the private index. */
function tinyWheel(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const add = (path: string, text: string): void => {
    zip.addBuffer(Buffer.from(text), path, { mtime: new Date(0) });
  };
  add('tinyhello/__init__.py', 'GREETING = "hello from the private index"\n');
  add('tinyhello-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: tinyhello\nVersion: 1.0\n');
  add('tinyhello-1.0.dist-info/WHEEL', 'Wheel-Version: 1.0\nGenerator: shipshape-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n');
  add('tinyhello-1.0.dist-info/RECORD', 'tinyhello/__init__.py,,\ntinyhello-1.0.dist-info/METADATA,,\ntinyhello-1.0.dist-info/WHEEL,,\ntinyhello-1.0.dist-info/RECORD,,\n');
  zip.end();
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => { res(Buffer.concat(chunks)); });
    zip.outputStream.on('error', rej);
  });
}

/**
 * A PEP 503 simple index on loopback serving `tinyhello` to Basic credentials only; each request's user:password
 * is recorded.
 */
async function privateIndex(): Promise<{ server: Server; port: number; users: string[] }> {
  const wheel = await tinyWheel();
  const digest = createHash('sha256').update(wheel).digest('hex');
  const users: string[] = [];
  const server = createServer((req, res) => {
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (auth === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="index"' }).end();
      return;
    }
    users.push(Buffer.from(auth, 'base64').toString());
    if (req.url === '/simple/tinyhello/') res.writeHead(200, { 'content-type': 'text/html' }).end(`<a href="/files/tinyhello-1.0-py3-none-any.whl#sha256=${digest}">tinyhello-1.0-py3-none-any.whl</a>\n`);
    else if (req.url === '/files/tinyhello-1.0-py3-none-any.whl') res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': wheel.length }).end(wheel);
    else res.writeHead(404).end();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, users };
}

const apps = resolve(import.meta.dirname, '__fixtures__/init-apps');

const cases = [
  { app: 'node', answer: 'hello from node as uid 65532', source: 'src/server.js', install: ['npm ci'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  // the start script runs server.js at the root (it requires the build output) with a preload beside it: both are
  // copied into the runtime from the build stage, and the answer names what the preload set
  { app: 'node-root-entry', answer: 'hello from node-root-entry as uid 65532', source: 'src/app.js', install: ['npm ci'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  // pnpm and yarn classic from corepack, pinned by the packageManager field; express from the npm registry
  { app: 'pnpm', answer: 'hello from pnpm as uid 65532', source: 'server.js', install: ['pnpm install --frozen-lockfile --prod'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  { app: 'yarn', answer: 'hello from yarn as uid 65532', source: 'server.js', install: ['yarn install --frozen-lockfile --production'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  // npm workspaces: the member with a start script is the app, built from the workspace root with its lockfile
  { app: 'npm-workspaces', answer: 'hello from workspace as uid 65532', source: 'packages/api/server.js', install: ['npm ci --omit=dev'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  // TypeScript members: the api imports the greeting library, which has its own tsc build; the build stage builds the
  // library before the api, and the runtime takes both build outputs from it (a checkout has neither)
  { app: 'npm-workspaces-ts', answer: 'hello from workspace-ts as uid 65532', source: 'packages/api/src/server.ts', install: ['npm ci --omit=dev', 'npm ci --no-audit'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  // the same with pnpm and with yarn berry (node-modules linker, then its default Plug'n'Play, which the Dockerfile
  // overrides: the image runs node on a node_modules tree): pnpm from the root's pnpm-workspace.yaml, the member
  // selected by folder, yarn by name; typescript, from the npm registry, is the one dependency
  { app: 'pnpm-workspaces-ts', answer: 'hello from pnpm-workspaces-ts as uid 65532', source: 'packages/api/src/server.ts', install: ['pnpm install --frozen-lockfile --prod', 'pnpm install --frozen-lockfile --store-dir'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  { app: 'yarn-workspaces-ts', answer: 'hello from yarn-workspaces-ts as uid 65532', source: 'packages/api/src/server.ts', install: ['yarn workspaces focus --all --production', 'yarn install --immutable'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  // (no rebuild step: the case above shows the installs reused)
  { app: 'yarn-workspaces-ts-pnp', sample: 'yarn-workspaces-ts', yarnrc: 'enableTelemetry: false\n', answer: 'hello from yarn-workspaces-ts as uid 65532', source: undefined, install: [], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  { app: 'go', answer: 'hello from go as uid 65532', source: 'main.go', install: ['go mod download'], sources: 'COPY . .', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  // a Go workspace: the app imports a sibling module through go.work only, so it builds from the workspace root
  { app: 'go-work', answer: 'hello from go-work as uid 65532', source: 'app/main.go', install: ['go mod download'], sources: 'COPY app ./app/', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  { app: 'rust', answer: 'hello from rust as uid 65532', source: 'src/main.rs', install: ["echo 'fn main() {}'"], sources: 'COPY . .', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  // the binary is a [[bin]] table's path outside src/: the dependency build stands a placeholder there
  { app: 'rust-bin-path', answer: 'hello from rust-bin-path as uid 65532', source: 'app/server.rs', install: ["echo 'fn main() {}'"], sources: 'COPY . .', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  // [lib] path, [[example]]/[[test]]/[[bench]] by name and a build script: placeholders at each for the dependency build
  { app: 'rust-targets', answer: 'hello from rust-targets as uid 65532', source: 'src/main.rs', install: ["echo 'fn main() {}'"], sources: 'COPY . .', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  // a path dependency in the crate's folder (no workspace): copied before the dependency build, which compiles it
  { app: 'rust-path-dep', answer: 'hello from rust-path-dep as uid 65532', source: 'src/main.rs', install: ["echo 'fn main() {}'"], sources: 'COPY . .', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  // serde and serde_json from Debian's crate packages: the dependency build (most of a cold build) is reused
  { app: 'rust-serde', answer: 'hello from rust-serde as uid 65532', source: 'src/main.rs', install: ["echo 'fn main() {}'"], sources: 'COPY . .', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  { app: 'java', answer: 'hello from java as uid 65532', source: 'src/main/java/hello/Main.java', install: ['dependency:go-offline', 'RUN jlink'], sources: 'COPY src ./src', runtime: 'gcr.io/distroless/java-base-debian12:nonroot' },
  // Gson from Debian's Maven repository: the libraries go in their own layer and the jar's Class-Path names them
  { app: 'java-gson', answer: 'hello from java-gson as uid 65532', source: 'src/main/java/hello/Main.java', install: ['dependency:copy-dependencies', 'RUN jlink'], sources: 'COPY src ./src', runtime: 'gcr.io/distroless/java-base-debian12:nonroot' },
  // Express + TypeScript with its dependencies from npm: production node_modules and the tsc build in their own stages
  { app: 'express-ts', answer: 'hello from express as uid 65532', source: 'src/server.ts', install: ['npm ci --omit=dev', 'npm ci --no-audit'], sources: 'COPY . .', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  // Next.js (standalone output) with its real dependencies from npm; no rebuild step: `next build` alone takes
  // a minute or more on two shared cores, and the dependency-layer reuse is the Node.js case's proof
  // `/` is a route handler, `/page` a React server component (Next's page renderer); sharp is not in the image
  // (nothing imports next/image), nor the AMP validator
  {
    app: 'next',
    answer: 'hello from next as uid 65532',
    page: { path: '/page', contains: 'hello from a next page as uid <!-- -->65532' },
    absent: ['/app/node_modules/sharp', '/app/node_modules/@img', '/app/node_modules/next/dist/compiled/amphtml-validator'],
    source: undefined,
    install: ['npm ci'],
    sources: 'COPY . .',
    runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot',
  },
  { app: 'python', answer: 'hello from python as uid 65532', source: 'main.py', install: ['pip install --target=/deps -r requirements.txt'], sources: 'COPY . .', runtime: 'gcr.io/distroless/python3-debian12:nonroot' },
];

describe.skipIf(skip)('shipshape init: generated Dockerfiles build and run on the real engine', () => {
  const baseMap: string[] = [];
  const work: string[] = [];
  const images: string[] = [];
  const sizes: Record<string, number> = {};
  /** app → [project folder, image tag], for the workflow test */
  const built: Record<string, [string, string]> = {};

  beforeAll(async () => {
    baseMap.push(...(await baseMapArgs()));
  });

  afterAll(async () => {
    for (const image of images) spawnSync(dockerCli, ['rmi', '-f', image], { stdio: 'ignore' });
    for (const dir of work) await rm(dir, { recursive: true, force: true });
    if (Object.keys(sizes).length > 0) console.info(`generated image sizes (bytes, uncompressed): ${JSON.stringify(sizes)}`);
  });

  it.each(cases)('$app: generated, built, runs as its Deployment states (read-only root, emptyDirs, no capabilities, non-root), answers HTTP, rebuild reuses the dependency layer', async ({ app, answer, source, install, sources, runtime, ...more }) => {
    const { page, absent, sample, yarnrc } = more as { page?: { path: string; contains: string }; absent?: string[]; sample?: string; yarnrc?: string };
    const dir = await mkdtemp(join(tmpdir(), `shipshape-init-${app}-`));
    work.push(dir);
    await cp(join(apps, sample ?? app), dir, { recursive: true });
    if (yarnrc !== undefined) await writeFile(join(dir, '.yarnrc.yml'), yarnrc);

    const init = await runCli(['init', dir, '--compat', '--k8s', '--ci', 'github', ...baseMap, '--format', 'json']);
    expect(init.code, init.stderr).toBe(0);
    const result = JSON.parse(init.stdout) as { runtime: string; files: { path: string; action: string }[]; deployment: string };
    expect(result.runtime).toBe(runtime);
    expect(result.files.map((f) => `${f.path}:${f.action}`)).toEqual(['Dockerfile:created', '.dockerignore:created', '.github/workflows/container.yml:created', 'k8s/deployment.yaml:created']);
    expect(await readFile(join(dir, 'k8s/deployment.yaml'), 'utf8')).toBe(result.deployment);
    const hardened = hardening(result.deployment);
    const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8');
    const instructions = dockerfile.split('\n').filter((l) => !l.startsWith('#'));
    expect(instructions.join('\n')).not.toMatch(/--link|<</);
    // yarn berry's default linker (Plug'n'Play) writes no node_modules: the installs are told to write one
    if (yarnrc !== undefined) expect(instructions.some((l) => l.startsWith('ENV ') && l.split(' ').includes('YARN_NODE_LINKER=node-modules'))).toBe(true);

    const tag = `shipshape-e2e/init-${app}:${Date.now()}`;
    images.push(tag);
    dockerBuild(dir, tag);
    const inspect = JSON.parse(await run(dockerCli, ['image', 'inspect', tag])) as [{ Size: number; Config: { User: string } }];
    expect(inspect[0].Config.User).toBe('65532:65532');
    sizes[app] = inspect[0].Size;
    if (absent !== undefined) {
      // the runtime has no shell: list the files from a container's export
      const id = (await run(dockerCli, ['create', tag])).trim();
      try {
        const listing = spawnSync('sh', ['-c', `${dockerCli} export ${id} | tar -t`], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).stdout;
        expect(listing).toMatch(/^app\/server\.js$/m);
        for (const path of absent) expect(listing.includes(`${path.slice(1)}/`), path).toBe(false);
      } finally {
        spawnSync(dockerCli, ['rm', '-f', id], { stdio: 'ignore' });
      }
    }

    built[app] = [dir, tag];
    // run as the Deployment would: nothing writable but its emptyDirs, no capabilities, its user
    const port = await freePort();
    const id = (await run(dockerCli, ['run', '-d', '--rm', '--network', 'host', ...hardened, '-e', `PORT=${port}`, tag])).trim();
    try {
      expect((await getText(`http://127.0.0.1:${port}/`, 20_000)).trim()).toBe(answer);
      if (page !== undefined) expect(await getText(`http://127.0.0.1:${port}${page.path}`, 20_000)).toContain(page.contains);
    } finally {
      spawnSync(dockerCli, ['rm', '-f', id], { stdio: 'ignore' });
    }

    if (source === undefined) return;
    // change one source file: the dependency install (and Java's jlink runtime) is reused, the sources are not
    // (a unique change: an earlier run's identical edit would still be in the build cache)
    const change = `changed ${randomUUID()}`;
    await appendFile(join(dir, source), app === 'python' ? `\n# ${change}\n` : `\n// ${change}\n`);
    const log = dockerBuild(dir, tag);
    for (const step of install) expect(stepCached(log, step), step).toBe(true);
    expect(stepCached(log, sources)).toBe(false);
    // what follows the sources ran again (a Node.js build script included) with npm's update check off: no registry
    // lookup for npm itself, no upgrade notice in the log
    expect(log).not.toMatch(/npm notice.*version of npm available/i);
  });

  it("the generated workflow's shipshape steps run as written on the built Go image: lint, SBOM and scan, valid SARIF and SPDX", async () => {
    const entry = built.go;
    if (entry === undefined) throw new Error('the Go case did not build');
    const [dir, tag] = entry;
    const workflow = parse(await readFile(join(dir, '.github/workflows/container.yml'), 'utf8')) as { env: Record<string, string>; jobs: { check: { steps: { name?: string; run?: string }[] } } };
    // the check job builds the image as LOCAL_IMAGE; here it is the image built above
    const local = workflow.env.LOCAL_IMAGE ?? '';
    await run(dockerCli, ['tag', tag, local]);
    images.push(local);
    // `shipshape` on PATH is this build, as `npm install --global` puts it there in the workflow
    const bin = join(dir, '.bin');
    await mkdir(bin);
    await writeFile(join(bin, 'shipshape'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, ...workflow.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.cache') };
    // every shipshape step but `db update`, which downloads OSV's exports (unreachable here): the scan then
    // runs on an empty database, which is what a scan without the update step would do
    const steps = workflow.jobs.check.steps.filter((s) => s.run?.startsWith('shipshape ') === true && !s.run.startsWith('shipshape db update'));
    expect(steps.map((s) => s.name)).toEqual(['Lint the Dockerfile', 'SBOM', 'Scan the image']);
    for (const step of steps) {
      // GitHub runs a `run:` step with `bash --noprofile --norc -eo pipefail`, in the repository's root
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run ?? ''], { cwd: dir, env, encoding: 'utf8' });
      expect(r.status, `${step.name ?? ''}: ${r.stderr}`).toBe(0);
    }
    const sarifs = ['lint.sarif', 'scan.sarif'].map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { version: string; runs: { tool: { driver: { name: string } } }[] });
    for (const sarif of sarifs) expect(sarif.version).toBe('2.1.0');
    const spdx = JSON.parse(readFileSync(join(dir, 'sbom.spdx.json'), 'utf8')) as { spdxVersion: string; packages: { name: string }[] };
    expect(spdx.spdxVersion).toBe('SPDX-2.3');
    expect(spdx.packages.length).toBeGreaterThan(0);
    if (schemaDir === undefined) {
      console.warn('SKIPPED: SARIF and SPDX schema validation: needs the official schemas in ../shared/schemas (SHIPSHAPE_SCHEMAS)');
      return;
    }
    const ajv4 = new Ajv4.default({ allErrors: true, strict: false });
    addFormats.default(ajv4);
    const validateSarif = ajv4.compile(JSON.parse(readFileSync(join(schemaDir, 'sarif-2.1.0.schema.json'), 'utf8')) as object);
    for (const sarif of sarifs) expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validateSpdx = ajv.compile(JSON.parse(readFileSync(join(schemaDir, 'spdx-2.3.schema.json'), 'utf8')) as object);
    expect(validateSpdx(spdx), JSON.stringify(validateSpdx.errors)).toBe(true);
  });

  it('python with a private index: the generated Dockerfile builds with the credentials in requirements.txt and, once they move to the pip-index-url secret, from the secret alone, which no layer keeps', async () => {
    const { server, port, users } = await privateIndex();
    try {
      const dir = await mkdtemp(join(tmpdir(), 'shipshape-init-pip-secret-'));
      work.push(dir);
      await cp(join(apps, 'python'), dir, { recursive: true });
      // (a unique comment: the install step of an earlier run would still be in the build cache)
      const unique = `# ${randomUUID()}\n`;
      await writeFile(join(dir, 'requirements.txt'), `${unique}--index-url http://deploy:file-token@127.0.0.1:${port}/simple\ntinyhello==1.0\n`);
      const init = await runCli(['init', dir, '--compat', ...baseMap, '--format', 'json']);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).not.toContain('file-token');
      const { notes } = JSON.parse(init.stdout) as { notes: string[] };
      expect(notes).toContain(
        `requirements.txt: the index URL for 127.0.0.1:${port} carries credentials, which the image would keep: move the URL out of the file into the build secret pip-index-url, which the Dockerfile's pip install reads: docker build --secret id=pip-index-url,env=PIP_INDEX_URL . (with the URL in PIP_INDEX_URL, or src=FILE)`,
      );
      expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toMatch(/^RUN --mount=type=cache,target=\/root\/\.cache\/pip --mount=type=secret,id=pip-index-url \\$/m);
      const importCheck = ['run', '--rm', '--entrypoint', '/usr/bin/python3'];
      // (asynchronous: the index answers from this process, which a synchronous spawn would block)
      const build = (tag: string, args: string[] = [], env: Record<string, string> = {}) => run(dockerCli, ['build', '--network', 'host', '--progress=plain', ...args, '-t', tag, dir], { env: { ...buildEnv, ...env } });
      const check = ['-c', 'import tinyhello; print(tinyhello.GREETING)'];

      // no secret given: pip reads the index URL the file names
      const tag = `shipshape-e2e/init-pip-secret:${Date.now()}`;
      images.push(tag);
      await build(tag);
      expect(users).toContain('deploy:file-token');
      expect((await run(dockerCli, [...importCheck, tag, ...check])).trim()).toBe('hello from the private index');

      // as the note says: the URL leaves the file and comes from the secret
      users.splice(0);
      await writeFile(join(dir, 'requirements.txt'), `${unique}tinyhello==1.0\n`);
      const secret = ['--secret', 'id=pip-index-url,env=PIP_INDEX_URL'];
      const secretEnv = { PIP_INDEX_URL: `http://deploy:secret-token@127.0.0.1:${port}/simple` };
      // init run again, with the URL now in .env (which the context leaves out), keeps the secret mounts
      await writeFile(join(dir, '.env'), `PIP_INDEX_URL=${secretEnv.PIP_INDEX_URL}\n`);
      const again = await runCli(['init', dir, '--compat', ...baseMap, '--force', '--format', 'json']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).not.toContain('secret-token');
      expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toMatch(/^RUN --mount=type=cache,target=\/root\/\.cache\/pip --mount=type=secret,id=pip-index-url \\$/m);
      await build(tag, secret, secretEnv);
      expect(users.length).toBeGreaterThan(0);
      expect(new Set(users)).toEqual(new Set(['deploy:secret-token']));
      expect((await run(dockerCli, [...importCheck, tag, ...check])).trim()).toBe('hello from the private index');
      // neither the image nor the builder stage holds the secret in a layer, its config or its history
      const builder = `${tag}-build`;
      images.push(builder);
      await build(builder, [...secret, '--target', 'build'], secretEnv);
      for (const image of [tag, builder]) {
        const saved = spawnSync(dockerCli, ['save', image], { maxBuffer: 1024 * 1024 * 1024 });
        expect(saved.status).toBe(0);
        expect(saved.stdout.length).toBeGreaterThan(0);
        expect(saved.stdout.includes('secret-token'), image).toBe(false);
        expect(saved.stdout.includes('127.0.0.1:' + String(port)), image).toBe(false);
      }
    } finally {
      server.close();
    }
  });

  it("python with a private index whose requirements.txt URL names ${VARIABLES} that .env sets: the build takes each from its secret, pip expands them, no layer keeps them", async () => {
    const { server, port, users } = await privateIndex();
    try {
      const dir = await mkdtemp(join(tmpdir(), 'shipshape-init-pip-variables-'));
      work.push(dir);
      await cp(join(apps, 'python'), dir, { recursive: true });
      // (a unique comment: the install step of an earlier run would still be in the build cache)
      await writeFile(join(dir, 'requirements.txt'), `# ${randomUUID()}\n--index-url http://\${PYPI_USER}:\${PYPI_TOKEN}@127.0.0.1:${port}/simple\ntinyhello==1.0\n`);
      // (not PIP_USER: pip reads any PIP_<OPTION> as an option, and --user takes a boolean)
      await writeFile(join(dir, '.env'), 'PYPI_USER=deploy\nPYPI_TOKEN=variable-token\n');
      const init = await runCli(['init', dir, '--compat', ...baseMap, '--format', 'json']);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).not.toContain('variable-token');
      const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^RUN --mount=type=cache,target=\/root\/\.cache\/pip --mount=type=secret,id=pypi-user --mount=type=secret,id=pypi-token \\$/m);
      const secrets = ['--secret', 'id=pypi-user,env=PYPI_USER', '--secret', 'id=pypi-token,env=PYPI_TOKEN'];
      const secretEnv = { PYPI_USER: 'deploy', PYPI_TOKEN: 'variable-token' };
      const tag = `shipshape-e2e/init-pip-variables:${Date.now()}`;
      const builder = `${tag}-build`;
      images.push(tag, builder);
      const build = (image: string, args: string[]) => run(dockerCli, ['build', '--network', 'host', '--progress=plain', ...secrets, ...args, '-t', image, dir], { env: { ...buildEnv, ...secretEnv } });
      await build(tag, []);
      expect(users.length).toBeGreaterThan(0);
      expect(new Set(users)).toEqual(new Set(['deploy:variable-token']));
      expect((await run(dockerCli, ['run', '--rm', '--entrypoint', '/usr/bin/python3', tag, '-c', 'import tinyhello; print(tinyhello.GREETING)'])).trim()).toBe('hello from the private index');
      await build(builder, ['--target', 'build']);
      for (const image of [tag, builder]) {
        const saved = spawnSync(dockerCli, ['save', image], { maxBuffer: 1024 * 1024 * 1024 });
        expect(saved.status).toBe(0);
        expect(saved.stdout.length).toBeGreaterThan(0);
        expect(saved.stdout.includes('variable-token'), image).toBe(false);
      }
    } finally {
      server.close();
    }
  });

  it('init refuses to overwrite and shows a diff; context sees no secrets in the generated context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-init-again-'));
    work.push(dir);
    await cp(join(apps, 'go'), dir, { recursive: true });
    // without --compat/--no-compat this machine's engine decides: compat for Docker before 23.0
    const engineVersion = (await run(dockerCli, ['version', '--format', '{{.Server.Version}}'])).trim();
    const printed = await runCli(['init', dir, '--print']);
    expect(printed.code, printed.stderr).toBe(0);
    if (Number(engineVersion.split('.')[0]) < 23) {
      expect(printed.stdout).not.toMatch(/^COPY --link/m);
      expect(printed.stderr).toContain(`note: compat Dockerfile (no COPY --link, no heredocs): Docker ${engineVersion}'s built-in BuildKit frontend`);
    } else {
      expect(printed.stdout).toMatch(/^COPY --link go\.mod \.\/$/m);
    }
    // an engine that cannot be reached leaves the full Dockerfile
    const unreachable = await runCli(['init', dir, '--print'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(unreachable.stdout).toMatch(/^COPY --link go\.mod \.\/$/m);
    expect((await runCli(['init', dir, '--no-compat'])).code).toBe(0);
    const again = await runCli(['init', dir, '--compat']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/differs Dockerfile \(not overwritten/);
    expect(again.stdout).toMatch(/^-COPY --link go\.mod \.\/$/m);
    expect(again.stdout).toMatch(/^\+COPY go\.mod \.\/$/m);
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
    await writeFile(join(dir, '.env'), 'TOKEN=abc\n');
    const context = await runCli(['context', dir, '--format', 'json']);
    expect(context.code, context.stderr).toBe(0);
    const report = JSON.parse(context.stdout) as { secrets: string[]; git: { sent: boolean }; copyBreaks: unknown[] };
    expect(report).toMatchObject({ secrets: [], git: { sent: false }, copyBreaks: [] });
  });
});


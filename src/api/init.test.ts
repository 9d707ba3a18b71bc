import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { excludedBy } from '../generate/index.js';
import { exitCodeFor, ShipshapeError } from '../internal/errors.js';
import { init } from './init.js';

const fixtures = resolve(import.meta.dirname, '../generate/__fixtures__');
const made: string[] = [];

async function project(fixture: string, below = '.'): Promise<{ top: string; dir: string }> {
  const top = await mkdtemp(join(tmpdir(), 'shipshape-init-'));
  made.push(top);
  const dir = join(top, below);
  await cp(join(fixtures, fixture), dir, { recursive: true });
  return { top, dir };
}

const exists = (path: string) => stat(path).then(() => true, () => false);
const summary = (files: { path: string; action: string }[]) => files.map((f) => `${f.path}:${f.action}`);

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('init --ci github --k8s', () => {
  it('writes the workflow and the manifests beside the Dockerfile, lists them, and a second run changes nothing', async () => {
    const { dir } = await project('go-root');
    const first = await init({ dir, ci: 'github', k8s: true, toolVersion: '9.9.9' });
    expect(summary(first.files)).toEqual(['Dockerfile:created', '.dockerignore:created', '.github/workflows/container.yml:created', 'k8s/deployment.yaml:created']);
    expect(await readFile(join(dir, '.github/workflows/container.yml'), 'utf8')).toBe(first.workflow);
    expect(await readFile(join(dir, 'k8s/deployment.yaml'), 'utf8')).toBe(first.deployment);
    expect(first.workflow).toMatch(/SHIPSHAPE_VERSION: "9\.9\.9"/);
    // no origin/HEAD: the branch is a guess, and init says so; the image is a placeholder, and init says so
    expect(first.notes.join('\n')).toMatch(/container\.yml: publishes from pushes to main/);
    expect(first.notes.join('\n')).toMatch(/k8s\/deployment\.yaml: the image is a placeholder/);
    const again = await init({ dir, ci: 'github', k8s: true, toolVersion: '9.9.9' });
    expect(summary(again.files)).toEqual(['Dockerfile:unchanged', '.dockerignore:unchanged', '.github/workflows/container.yml:unchanged', 'k8s/deployment.yaml:unchanged']);
  });

  it('never overwrites a workflow or manifest that differs: a diff instead; --force replaces; --dry-run writes nothing', async () => {
    const { dir } = await project('go-root');
    await init({ dir, ci: 'github', k8s: true });
    const workflowPath = join(dir, '.github/workflows/container.yml');
    const manifestPath = join(dir, 'k8s/deployment.yaml');
    const edited = (await readFile(workflowPath, 'utf8')).replace('REGISTRY: ghcr.io', 'REGISTRY: registry.example.com');
    await writeFile(workflowPath, edited);
    await writeFile(manifestPath, 'kind: Deployment\n');

    const refused = await init({ dir, ci: 'github', k8s: true });
    expect(summary(refused.files)).toEqual(['Dockerfile:unchanged', '.dockerignore:unchanged', '.github/workflows/container.yml:differs', 'k8s/deployment.yaml:differs']);
    const diff = refused.files.find((f) => f.path === '.github/workflows/container.yml')?.diff ?? '';
    expect(diff).toMatch(/^- {2}REGISTRY: registry\.example\.com$/m);
    expect(diff).toMatch(/^\+ {2}REGISTRY: ghcr\.io$/m);
    expect(await readFile(workflowPath, 'utf8')).toBe(edited);
    expect(await readFile(manifestPath, 'utf8')).toBe('kind: Deployment\n');

    const dry = await init({ dir, ci: 'github', k8s: true, dryRun: true, force: true });
    expect(summary(dry.files).slice(2)).toEqual(['.github/workflows/container.yml:would-overwrite', 'k8s/deployment.yaml:would-overwrite']);
    expect(await readFile(manifestPath, 'utf8')).toBe('kind: Deployment\n');

    const forced = await init({ dir, ci: 'github', k8s: true, force: true, image: 'registry.example.com/hello:1.0' });
    expect(summary(forced.files).slice(2)).toEqual(['.github/workflows/container.yml:overwritten', 'k8s/deployment.yaml:overwritten']);
    expect(await readFile(manifestPath, 'utf8')).toMatch(/^ {10}image: registry\.example\.com\/hello:1\.0$/m);
    expect(forced.notes.join('\n')).not.toMatch(/placeholder/);
  });

  it('--dry-run on a fresh project creates neither files nor folders', async () => {
    const { dir } = await project('node-plain');
    const result = await init({ dir, ci: 'github', k8s: true, dryRun: true });
    expect(summary(result.files)).toEqual(['Dockerfile:would-create', '.dockerignore:would-create', '.github/workflows/container.yml:would-create', 'k8s/deployment.yaml:would-create']);
    expect(await exists(join(dir, '.github'))).toBe(false);
    expect(await exists(join(dir, 'k8s'))).toBe(false);
  });

  it('the workflow goes to the repository root above the project, with the context relative to it and the default branch from origin/HEAD', async () => {
    const { top, dir } = await project('go-root', 'services/api');
    await mkdir(join(top, '.git/refs/remotes/origin'), { recursive: true });
    await writeFile(join(top, '.git/refs/remotes/origin/HEAD'), 'ref: refs/remotes/origin/trunk\n');
    const result = await init({ dir, ci: 'github', k8s: true });
    expect(summary(result.files)).toEqual(['Dockerfile:created', '.dockerignore:created', '../../.github/workflows/container.yml:created', 'k8s/deployment.yaml:created']);
    const workflow = await readFile(join(top, '.github/workflows/container.yml'), 'utf8');
    expect(workflow).toMatch(/^ {2}CONTEXT: "services\/api"$/m);
    expect(workflow).toMatch(/^ {2}DOCKERFILE: "services\/api\/Dockerfile"$/m);
    expect(workflow).toMatch(/^ {4}branches: \["trunk"\]$/m);
    expect(result.notes.join('\n')).not.toMatch(/publishes from pushes to main/);
    expect(await exists(join(dir, 'k8s/deployment.yaml'))).toBe(true);
  });

  it('--image without --k8s, or not an image reference: invalid input naming the flag, nothing written', async () => {
    const { dir } = await project('go-root');
    const error = await init({ dir, image: 'hello:1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('invalid-input');
    expect((error as Error).message).toMatch(/--k8s/);
    const bad = await init({ dir, k8s: true, image: 'Not A Reference' }).catch((e: unknown) => e);
    expect((bad as ShipshapeError).code).toBe('invalid-input');
    expect(await exists(join(dir, 'Dockerfile'))).toBe(false);
  });
});

describe('init on a workspace member', () => {
  it('refuses with the command that generates it from the workspace root (npm, pnpm, yarn berry, bun, go.work, Cargo, uv), and writes nothing', async () => {
    const cases: [string, string][] = [['node-npm-workspaces-ts', 'packages/api'], ['node-pnpm-workspaces', 'packages/api'], ['node-yarn-berry-workspaces', 'apps/web'], ['node-bun-workspaces', 'services/payments/eu/worker'], ['go-workspace', 'api'], ['rust-workspace', 'crates/api'], ['python-uv-workspace', 'packages/api']];
    for (const [fixture, app] of cases) {
      const { dir } = await project(fixture);
      const member = join(dir, app);
      const error = await init({ dir: member }).catch((e: unknown) => e);
      expect(error, fixture).toBeInstanceOf(ShipshapeError);
      expect((error as ShipshapeError).code).toBe('invalid-input');
      expect((error as Error).message).toContain(`a member of the workspace at ${dir}`);
      expect((error as Error).message.endsWith(` --app ${app}`), (error as Error).message).toBe(true);
      expect(await exists(join(member, 'Dockerfile'))).toBe(false);
      // from the root, the member is generated for
      expect(summary((await init({ dir, app, dryRun: true })).files)).toContain('Dockerfile:would-create');
    }
  });

  it('refuses a library member (no start script) naming the workspace root and the commands for its apps', async () => {
    const cases: [string, string, string[]][] = [
      ['node-npm-workspaces', 'packages/greeting', ['packages/api']],
      ['node-pnpm-workspaces', 'packages/greeting', ['packages/api']],
      ['node-bun-workspaces', 'services/ledger', ['services/payments/eu/worker', 'apps/gateway']],
    ];
    for (const [fixture, library, apps] of cases) {
      const { dir } = await project(fixture);
      const member = join(dir, library);
      const error = await init({ dir: member }).catch((e: unknown) => e);
      expect(error, fixture).toBeInstanceOf(ShipshapeError);
      expect((error as ShipshapeError).code).toBe('invalid-input');
      const rootArg = relative(process.cwd(), dir);
      expect((error as Error).message).toMatch(new RegExp(`: a library of the workspace at ${dir} \\((package\\.json|pnpm-workspace\\.yaml)\\), not an app \\(no start script\\): run `));
      expect((error as Error).message.endsWith(apps.map((app) => `shipshape init ${rootArg} --app ${app}`).join(' or ')), (error as Error).message).toBe(true);
      expect(await exists(join(member, 'Dockerfile'))).toBe(false);
      // each command it names generates
      for (const app of apps) expect(summary((await init({ dir, app, dryRun: true })).files)).toContain('Dockerfile:would-create');
    }
    // a workspace of libraries alone has no command to name
    const top = await mkdtemp(join(tmpdir(), 'shipshape-init-'));
    made.push(top);
    await mkdir(join(top, 'libs/util'), { recursive: true });
    await writeFile(join(top, 'package.json'), JSON.stringify({ name: 'r', private: true, workspaces: ['libs/*'] }));
    await writeFile(join(top, 'libs/util/package.json'), JSON.stringify({ name: 'util', main: 'index.js' }));
    await writeFile(join(top, 'libs/util/index.js'), 'module.exports = 1;\n');
    await expect(init({ dir: join(top, 'libs/util') })).rejects.toThrow(`a library of the workspace at ${top} (package.json), not an app (no start script): the workspace has no app (a member with a start script)`);
  });

  it('refuses a library member of a uv, Cargo or Go workspace (nothing to run, no bin target, no main package) naming the root and its apps', async () => {
    const cases: [string, string, string, string, string[]][] = [
      ['python-uv-workspace', 'packages/greeting', 'pyproject.toml', 'nothing to run: no [project.scripts], WSGI/ASGI app, __main__.py or main.py', ['packages/api', 'packages/worker']],
      ['rust-workspace', 'crates/core-lib', 'Cargo.toml', 'no bin target', ['crates/api']],
      ['go-workspace', 'libs/greeting', 'go.work', 'no main package at its root or in cmd/', ['api']],
      ['go-workspace', 'tools', 'go.work', 'no main package at its root or in cmd/', ['api']],
    ];
    for (const [fixture, library, file, lacks, apps] of cases) {
      const { dir } = await project(fixture);
      const member = join(dir, library);
      const error = await init({ dir: member }).catch((e: unknown) => e);
      expect(error, `${fixture} ${library}`).toBeInstanceOf(ShipshapeError);
      expect(exitCodeFor(error)).toBe(2);
      const rootArg = relative(process.cwd(), dir);
      expect((error as Error).message).toBe(`${member}: a library of the workspace at ${dir} (${file}), not an app (${lacks}): run ${apps.map((app) => `shipshape init ${rootArg} --app ${app}`).join(' or ')}`);
      expect(await exists(join(member, 'Dockerfile'))).toBe(false);
      for (const app of apps) expect(summary((await init({ dir, app, dryRun: true })).files)).toContain('Dockerfile:would-create');
    }
    // a Cargo workspace of libraries alone has no command to name
    const top = await mkdtemp(join(tmpdir(), 'shipshape-init-'));
    made.push(top);
    await mkdir(join(top, 'crates/util/src'), { recursive: true });
    await writeFile(join(top, 'Cargo.toml'), '[workspace]\nmembers = ["crates/util"]\n');
    await writeFile(join(top, 'crates/util/Cargo.toml'), '[package]\nname = "util"\nversion = "0.1.0"\nedition = "2021"\n');
    await writeFile(join(top, 'crates/util/src/lib.rs'), 'pub fn one() -> u8 { 1 }\n');
    await expect(init({ dir: join(top, 'crates/util') })).rejects.toThrow(`a library of the workspace at ${top} (Cargo.toml), not an app (no bin target): the workspace has no app (a member with a bin target)`);
    // a crate or module with no app and no workspace above is still "no project found"
    await rm(join(top, 'Cargo.toml'));
    await expect(init({ dir: join(top, 'crates/util') })).rejects.toThrow('no Node.js, Go, Python, Java or Rust project found');
  });

  it('refuses a go.work module whose main packages are in cmd/ with the commands that generate them from the workspace root', async () => {
    const { dir } = await project('go-workspace');
    const rootArg = relative(process.cwd(), dir);
    // worker's only main package is cmd/worker, and it imports libs/greeting, a module of the workspace
    await mkdir(join(dir, 'worker/cmd/worker'), { recursive: true });
    await writeFile(join(dir, 'worker/go.mod'), 'module example.com/shop/worker\n\ngo 1.21\n');
    await writeFile(join(dir, 'worker/cmd/worker/main.go'), 'package main\n\nimport "example.com/shop/greeting"\n\nfunc main() { println(greeting.Hello()) }\n');
    // jobs has two main packages and no root one
    for (const name of ['import', 'export']) {
      await mkdir(join(dir, `jobs/cmd/${name}`), { recursive: true });
      await writeFile(join(dir, `jobs/cmd/${name}/main.go`), 'package main\n\nfunc main() {}\n');
    }
    await writeFile(join(dir, 'jobs/go.mod'), 'module example.com/shop/jobs\n\ngo 1.21\n');
    await writeFile(join(dir, 'go.work'), `${await readFile(join(dir, 'go.work'), 'utf8')}\nuse (\n\t./worker\n\t./jobs\n)\n`);
    const cases: [string, string | undefined, string[]][] = [
      ['worker', undefined, ['worker/cmd/worker']],
      ['jobs', undefined, ['jobs/cmd/export', 'jobs/cmd/import']],
      ['jobs', 'cmd/export', ['jobs/cmd/export']],
    ];
    for (const [member, app, apps] of cases) {
      const error = await init({ dir: join(dir, member), ...(app === undefined ? {} : { app }) }).catch((e: unknown) => e);
      expect(error, member).toBeInstanceOf(ShipshapeError);
      expect(exitCodeFor(error)).toBe(2);
      expect((error as Error).message).toBe(`${join(dir, member)}: a member of the workspace at ${dir} (go.work), which its build needs: run ${apps.map((a) => `shipshape init ${rootArg} --app ${a}`).join(' or ')}`);
      expect(await exists(join(dir, member, 'Dockerfile'))).toBe(false);
    }
    // from the root, the app is built with the module it imports
    const generated = await init({ dir, app: 'worker/cmd/worker', dryRun: true });
    expect(generated.app.context).toBe('.');
    expect(generated.dockerfile).toMatch(/^COPY .*libs\/greeting\/go\.mod/m);
    expect(generated.dockerfile).toMatch(/go build .* \.\/worker\/cmd\/worker$/m);
  });

  it('reads a Cargo workspace as Cargo does: members are globs, exclude takes folders out, autobins = false leaves a library', async () => {
    const top = await mkdtemp(join(tmpdir(), 'shipshape-init-'));
    made.push(top);
    const rootArg = relative(process.cwd(), top);
    const files: Record<string, string> = {
      'Cargo.toml': '[workspace]\nmembers = ["crates/*", "crates/**"]\nexclude = ["crates/legacy"]\n',
      'crates/net/api/Cargo.toml': '[package]\nname = "api"\nversion = "0.1.0"\nedition = "2021"\n',
      'crates/net/api/src/bin/api/main.rs': 'fn main() {}\n',
      'crates/net/codec/Cargo.toml': '[package]\nname = "codec"\nversion = "0.1.0"\nedition = "2021"\nautobins = false\n',
      'crates/net/codec/src/main.rs': 'fn main() {}\n',
      'crates/legacy/Cargo.toml': '[package]\nname = "legacy"\nversion = "0.1.0"\nedition = "2021"\n',
      'crates/legacy/src/main.rs': 'fn main() {}\n',
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(top, name, '..'), { recursive: true });
      await writeFile(join(top, name), text);
    }
    // a member two folders down, matched by crates/**, and a bin target in src/bin/api/main.rs
    await expect(init({ dir: join(top, 'crates/net/api') })).rejects.toThrow(`${join(top, 'crates/net/api')}: a member of the workspace at ${top} (Cargo.toml), which its build needs: run shipshape init ${rootArg} --app crates/net/api`);
    // autobins = false: src/main.rs is no bin target
    await expect(init({ dir: join(top, 'crates/net/codec') })).rejects.toThrow(`${join(top, 'crates/net/codec')}: a library of the workspace at ${top} (Cargo.toml), not an app (no bin target): run shipshape init ${rootArg} --app crates/net/api`);
    // crates/* matches crates/legacy, but exclude takes it out: a project of its own
    expect(summary((await init({ dir: join(top, 'crates/legacy'), dryRun: true })).files)).toContain('Dockerfile:would-create');
    expect((await init({ dir: top, app: 'crates/net/api', dryRun: true })).dockerfile).toMatch(/cargo build .* --bin api \\$/m);
  });

  it('a module or package outside any workspace, or a workspace that does not list it, is generated for alone', async () => {
    const { dir } = await project('go-workspace');
    // third_party/legacy is replaced, not used: go.work does not list it
    const { dir: rust } = await project('rust-bin');
    expect(summary((await init({ dir: rust, dryRun: true })).files)).toContain('Dockerfile:would-create');
    const unlisted = join(dir, 'third_party/legacy');
    const result = await init({ dir: unlisted, dryRun: true }).catch((e: unknown) => e);
    expect(result instanceof Error ? result.message : '').not.toContain('a member of the workspace');
    // a folder a uv workspace's `exclude` leaves out is a project of its own
    const { dir: uv } = await project('python-uv-workspace');
    expect(summary((await init({ dir: join(uv, 'packages/legacy'), dryRun: true })).files)).toContain('Dockerfile:would-create');
  });
});

describe('init without compat given: the engine decides', () => {
  it('names why an engine gets the compat Dockerfile, and only the engines that need it', async () => {
    const { compatReason } = await import('./init.js');
    expect(compatReason({ version: '20.10.24+dfsg1', podman: false })).toBe("Docker 20.10.24+dfsg1's built-in BuildKit frontend has no COPY --link or heredocs");
    expect(compatReason({ version: '23.0.0', podman: false })).toBeUndefined();
    expect(compatReason({ version: '27.3.1', podman: false })).toBeUndefined();
    expect(compatReason({ version: '4.3.1', podman: true })).toBe('Podman 4.3.1 builds with a Buildah that has no COPY --link or heredocs');
    expect(compatReason({ version: '5.2.0', podman: true })).toBeUndefined();
    expect(compatReason({ version: 'dev', podman: false })).toBeUndefined();
  });

  it('an old engine gets the compat Dockerfile with a note; a new one, one that fails, or an explicit choice do not', async () => {
    const { dir } = await project('node-npm-express-ts');
    const asked: string[] = [];
    const engine = (version: string) => () => {
      asked.push(version);
      return Promise.resolve({ version, podman: false });
    };
    const old = await init({ dir, dryRun: true, engine: engine('20.10.24') });
    expect(old.dockerfile).not.toMatch(/^COPY --link/m);
    expect(old.notes[0]).toBe("compat Dockerfile (no COPY --link, no heredocs): Docker 20.10.24's built-in BuildKit frontend has no COPY --link or heredocs; --no-compat writes the full one");
    const recent = await init({ dir, dryRun: true, engine: engine('27.3.1') });
    expect(recent.dockerfile).toMatch(/^COPY --link /m);
    expect(recent.notes.some((n) => n.startsWith('compat'))).toBe(false);
    const absent = await init({ dir, dryRun: true, engine: () => Promise.reject(new Error('connect ENOENT /var/run/docker.sock')) });
    expect(absent.dockerfile).toMatch(/^COPY --link /m);
    const chosen = await init({ dir, dryRun: true, compat: false, engine: engine('19.03.0') });
    expect(chosen.dockerfile).toMatch(/^COPY --link /m);
    expect(asked).toEqual(['20.10.24', '27.3.1']);
  });
});

describe('init --force on a pip project whose private index URL has moved', () => {
  const token = 's3cr3tT0ken';
  const secretMounts = (dockerfile: string) => [...dockerfile.matchAll(/--mount=type=secret,id=([\w-]+)/g)].map((m) => m[1]);

  it('keeps the secret mounts while pip.conf, pip.ini or .env still names an index with credentials, and drops them once none does; the token is in no output', async () => {
    const { dir } = await project('python-private-index');
    const first = await init({ dir, compat: true });
    expect(secretMounts(first.dockerfile)).toEqual(['pip-index-url', 'pip-index-url']);
    // as the note says, the URL leaves requirements.txt
    const requirements = await readFile(join(dir, 'requirements.txt'), 'utf8');
    await writeFile(join(dir, 'requirements.txt'), requirements.replace(/^--index-url .*\n/m, ''));
    const moved: [string, string, string][] = [
      ['pip.conf', `[global]\nindex-url = https://deploy:${token}@pypi.corp.example/simple\n`, "pip.conf: the index URL for pypi.corp.example (index-url in [global]) carries credentials, and pip in the build does not read this file: the Dockerfile's pip installs read it from the build secret pip-index-url: docker build --secret id=pip-index-url,env=PIP_INDEX_URL . (with the URL in PIP_INDEX_URL, or src=FILE)"],
      ['pip.ini', `[install]\nindex_url =\n    https://${token}@pypi.corp.example/simple\n`, "pip.ini: the index URL for pypi.corp.example (index-url in [install]) carries credentials, and pip in the build does not read this file: the Dockerfile's pip installs read it from the build secret pip-index-url: docker build --secret id=pip-index-url,env=PIP_INDEX_URL . (with the URL in PIP_INDEX_URL, or src=FILE)"],
      ['.env', `DEBUG=1\nexport PIP_INDEX_URL="https://deploy:${token}@pypi.corp.example/simple" # the company index\n`, ".env: PIP_INDEX_URL names the index URL for pypi.corp.example with credentials: the Dockerfile's pip installs read it from the build secret pip-index-url: docker build --secret id=pip-index-url,env=PIP_INDEX_URL . (with the URL in PIP_INDEX_URL, or src=FILE)"],
    ];
    for (const [file, text, note] of moved) {
      await writeFile(join(dir, file), text);
      const again = await init({ dir, compat: true, force: true });
      expect(summary(again.files), file).toEqual(['Dockerfile:unchanged', '.dockerignore:unchanged']);
      expect(secretMounts(await readFile(join(dir, 'Dockerfile'), 'utf8')), file).toEqual(['pip-index-url', 'pip-index-url']);
      expect(again.notes, file).toContain(note);
      expect(JSON.stringify(again), file).not.toContain(token);
      // and the file stays out of the build context, hence out of the image COPY . . makes
      expect(excludedBy(again.dockerignore.split('\n'), file), file).toBe(true);
      await rm(join(dir, file));
    }
    // an extra index in .env has its own secret, beside a placeholder URL that is none
    await writeFile(join(dir, '.env'), `PIP_INDEX_URL=https://\${PIP_USER}:\${PIP_TOKEN}@pypi.corp.example/simple\nPIP_EXTRA_INDEX_URL='https://mirror.example/simple https://deploy:${token}@extra.corp.example/simple'\n`);
    const extra = await init({ dir, compat: true, force: true });
    expect(secretMounts(extra.dockerfile)).toEqual(['pip-extra-index-url', 'pip-extra-index-url']);
    expect(JSON.stringify(extra)).not.toContain(token);
    // the URL gone from every file init reads: nothing to mount
    await rm(join(dir, '.env'));
    const gone = await init({ dir, compat: true, force: true });
    expect(secretMounts(gone.dockerfile)).toEqual([]);
    expect(summary(gone.files)).toEqual(['Dockerfile:overwritten', '.dockerignore:unchanged']);
  });
});

describe('init --force on a uv, poetry or pdm project whose index credentials have left pyproject.toml', () => {
  const secretMounts = (dockerfile: string) => [...new Set([...dockerfile.matchAll(/--mount=type=secret,id=([\w-]+)/g)].map((m) => m[1]))];

  it.each([
    [
      'python-uv-private-index',
      // the named index's credentials in its variables, the extra index URL whole in UV_EXTRA_INDEX_URL
      (text: string) => text.replace('deploy:fixture-token@', '').replace(/^extra-index-url = .*\n/m, ''),
      'UV_INDEX_CORP_PYPI_USERNAME=deploy\nUV_INDEX_CORP_PYPI_PASSWORD=fixture-token\nUV_EXTRA_INDEX_URL=https://fixture-token@mirror.corp.example/simple\n',
      ['uv-index-corp-pypi-username', 'uv-index-corp-pypi-password', 'uv-extra-index-url'],
    ],
    ['python-poetry-private-index', (text: string) => text.replace('deploy:fixture-token@', ''), 'POETRY_HTTP_BASIC_CORP_PYPI_PASSWORD=fixture-token\n', ['poetry-http-basic-corp-pypi-username', 'poetry-http-basic-corp-pypi-password']],
    // pdm: the URL names the variables, as the note advises; .env need not set them
    ['python-pdm-private-index', (text: string) => text.replace('deploy:fixture-token@', '${PDM_INDEX_CORP_PYPI_USERNAME}:${PDM_INDEX_CORP_PYPI_PASSWORD}@'), '', ['pdm-index-corp-pypi-username', 'pdm-index-corp-pypi-password']],
  ])('%s keeps its secret mounts while init sees the variables named, and drops them once it does not', async (fixture, edit, dotenv, mounts) => {
    const { dir } = await project(fixture);
    const first = await init({ dir, compat: true });
    expect(secretMounts(first.dockerfile)).toEqual(mounts);
    const pyproject = join(dir, 'pyproject.toml');
    await writeFile(pyproject, edit(await readFile(pyproject, 'utf8')));
    if (dotenv !== '') await writeFile(join(dir, '.env'), dotenv);
    const again = await init({ dir, compat: true, force: true });
    expect(summary(again.files)).toEqual(['Dockerfile:unchanged', '.dockerignore:unchanged']);
    expect(JSON.stringify(again)).not.toContain('fixture-token');
    // nothing left that names them: nothing mounted
    await rm(join(dir, '.env'), { force: true });
    await writeFile(pyproject, (await readFile(pyproject, 'utf8')).replace(/\$\{PDM_INDEX_CORP_PYPI_USERNAME\}:\$\{PDM_INDEX_CORP_PYPI_PASSWORD\}@/, ''));
    expect(secretMounts((await init({ dir, compat: true, force: true })).dockerfile)).toEqual([]);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import type { PythonApp } from '../../types.js';
import { pythonDetector, pythonVersionOf } from './detect.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = (name: string) => pythonDetector.detect(new ProjectFiles(resolve(fixtures, name)), '.');
/** The detector's apps, typed as the Python apps they are. */
const pythonApps = async (files: ProjectFiles, dir: string): Promise<PythonApp[]> => (await pythonDetector.detect(files, dir)).flatMap((a) => (a.ecosystem === 'python' ? [a] : []));

describe('python detector', () => {
  it('reads uv, requires-python and a FastAPI app served by uvicorn', async () => {
    const [app] = await detect('python-uv-fastapi');
    expect(app).toMatchObject({
      name: 'shop-api',
      packageManager: 'uv',
      pythonVersion: '3.12',
      manifests: ['pyproject.toml', 'uv.lock'],
      start: { kind: 'server', server: 'uvicorn', app: 'app.main:app' },
      port: 8000,
    });
  });

  it('reads poetry and its console script', async () => {
    const [app] = await detect('python-poetry');
    expect(app).toMatchObject({ packageManager: 'poetry', pythonVersion: '3.11', installable: true, start: { kind: 'console-script', name: 'reporter', target: 'reporter.cli:main' } });
  });

  it('reads pdm and runs the package with __main__.py', async () => {
    const [app] = await detect('python-pdm');
    expect(app).toMatchObject({ packageManager: 'pdm', pythonVersion: '3.11', manifests: ['pyproject.toml', 'pdm.lock'], start: { kind: 'module', module: 'batch_job' } });
  });

  it('serves a Flask app with gunicorn from requirements.txt', async () => {
    const [app] = await detect('python-flask-gunicorn');
    expect(app).toMatchObject({ packageManager: 'pip', manifests: ['requirements.txt'], start: { kind: 'server', server: 'gunicorn', app: 'wsgi:app' } });
  });

  it('runs main.py and reads its port', async () => {
    const [app] = await detect('python-plain');
    expect(app).toMatchObject({ start: { kind: 'script', file: 'main.py' }, port: 8000 });
  });

  it('names the file when pyproject.toml is malformed', async () => {
    await expect(detect('broken-pyproject')).rejects.toThrow(/pyproject\.toml: not valid TOML/);
  });

  it('takes the lowest minor a constraint allows', () => {
    expect(pythonVersionOf('>=3.11,<3.13')).toBe('3.11');
    expect(pythonVersionOf('3.12.4\n')).toBe('3.12');
    expect(pythonVersionOf('*')).toBeUndefined();
  });
});

describe('python detector: uv workspaces', () => {
  it('finds the members with something to run, from the root: globs, exclude, the root lockfile and every member manifest', async () => {
    const apps = await pythonApps(new ProjectFiles(resolve(fixtures, 'python-uv-workspace')), '.');
    expect(apps.map((a) => [a.path, a.context, a.start.kind])).toEqual([
      ['packages/api', '.', 'server'],
      ['packages/worker', '.', 'console-script'],
    ]);
    expect(apps[0]).toMatchObject({
      name: 'shop-api',
      packageManager: 'uv',
      pythonVersion: '3.12',
      manifests: ['pyproject.toml', 'uv.lock', 'packages/api/pyproject.toml', 'packages/greeting/pyproject.toml', 'packages/worker/pyproject.toml'],
      workspace: { member: 'packages/api', members: ['packages/api', 'packages/greeting', 'packages/worker'], package: 'shop-api' },
      // the root's [[tool.uv.index]] credentials, in uv's variables
      indexSecrets: [{ id: 'uv-index-corp-pypi-username' }, { id: 'uv-index-corp-pypi-password' }],
    });
    expect(apps.map((a) => a.notes.length)).toEqual([1, 1]);
    // a member seen on its own is left to the root; the excluded folder is a project of its own
    const files = new ProjectFiles(resolve(fixtures, 'python-uv-workspace'));
    expect(await pythonDetector.detect(files, 'packages/api')).toEqual([]);
    expect(await pythonDetector.detect(files, 'packages/legacy')).toMatchObject([{ path: 'packages/legacy', context: 'packages/legacy', packageManager: 'pip' }]);
  });

  it("takes the Python version from the member's or the root's .python-version, else the higher requires-python floor; a root project is a member too; a library without a build backend is a note", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-uv-ws-'));
    try {
      const write = async (path: string, text: string) => {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      };
      await write('pyproject.toml', '[project]\nname = "root-app"\nrequires-python = ">=3.11"\n\n[tool.uv.workspace]\nmembers = ["apps/*", "libs/util"]\n\n[tool.uv.sources]\nutil = { workspace = true }\n');
      await write('main.py', 'print("root")\n');
      await write('uv.lock', 'version = 1\n');
      await write('apps/new/pyproject.toml', '[project]\nname = "new"\nrequires-python = ">=3.13"\ndependencies = ["Util>=1"]\n');
      await write('apps/new/main.py', 'print("new")\n');
      await write('apps/old/pyproject.toml', '[project]\nname = "old"\n');
      await write('apps/old/main.py', 'print("old")\n');
      await write('apps/pinned/pyproject.toml', '[project]\nname = "pinned"\nrequires-python = ">=3.13"\n');
      await write('apps/pinned/.python-version', '3.12.4\n');
      await write('apps/pinned/main.py', 'print("pinned")\n');
      await write('libs/util/pyproject.toml', '[project]\nname = "util"\n');
      const apps = await pythonApps(new ProjectFiles(dir), '.');
      expect(apps.map((a) => [a.path, a.pythonVersion, a.workspace?.member])).toEqual([
        ['.', '3.11', '.'],
        ['apps/new', '3.13', 'apps/new'],
        ['apps/old', '3.11', 'apps/old'],
        ['apps/pinned', '3.12', 'apps/pinned'],
      ]);
      // the root project's sources are its own, not its members'
      expect(apps[0]?.start).toEqual({ kind: 'script', file: 'main.py' });
      expect(apps[0]?.notes).toEqual([]);
      // a workspace library without a build backend is a virtual project: uv installs its dependencies, not it
      expect(apps[1]?.notes).toEqual([
        'libs/util/pyproject.toml: new depends on this workspace member, which has no [build-system]: uv installs its dependencies but not the package, so the image cannot import it; add a build backend (or tool.uv.package = true)',
      ]);
      expect(apps[2]?.notes).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

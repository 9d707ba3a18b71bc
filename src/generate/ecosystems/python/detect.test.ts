import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { pythonDetector, pythonVersionOf } from './detect.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = (name: string) => pythonDetector.detect(new ProjectFiles(resolve(fixtures, name)), '.');

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

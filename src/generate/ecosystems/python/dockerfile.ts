/**
 * Python: dependencies installed into /deps (pip `--target`) before the sources are copied, so the layer is
 * reused until a manifest changes; the runtime is distroless python3 (Debian 12's CPython 3.11, no shell,
 * no pip) with `PYTHONPATH=/deps`. A virtualenv is not copied because its interpreter links point into the
 * builder's Python, which the runtime does not have.
 */
import { posix } from 'node:path';
import { type DockerfileWriter, execForm } from '../../dockerfile-writer.js';
import type { BuildSecret, PythonApp } from '../../types.js';
import { runtimeTail } from '../runtime-tail.js';
import { pipSecretOf } from './detect.js';

/** distroless python3-debian12 is Debian 12's CPython. */
const distrolessPython = '3.11';
export const defaultPythonVersion = distrolessPython;

/** Exports a variable from an optional secret mount; without the secret the RUN goes on (assigned first: SC2155). */
function readSecret({ id, variable }: BuildSecret): string {
  return `if [ -f /run/secrets/${id} ]; then ${variable}="$(cat /run/secrets/${id})"; export ${variable}; fi`;
}

export function pythonDockerfile(app: PythonApp, w: DockerfileWriter): { runtime: string } {
  const version = app.pythonVersion ?? defaultPythonVersion;
  const pipCache = { target: '/root/.cache/pip' };
  if (app.packageManager === 'uv') w.from('ghcr.io/astral-sh/uv:0.5', 'uv', ['The uv binary, copied into the builder.']);
  w.from(`python:${version}-slim-bookworm`, 'build', [`Builder: CPython ${version} on Debian 12 slim: wheels built here load in the runtime (same glibc, same ABI).`]);
  w.instruction('WORKDIR', '/app');
  w.instruction('ENV', 'PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore');
  // a requirements file's includes keep their folders: pip reads `-r base.txt` relative to the including file
  const nested = app.manifests.filter((m) => m.includes('/'));
  w.copy(app.manifests.filter((m) => !m.includes('/')), './');
  for (const manifest of nested) w.copy([manifest], `./${posix.dirname(manifest)}/`);
  // index URLs with credentials come from optional build secrets, read into pip's variables for the one RUN:
  // a file under /run/secrets is in no layer (`env=` on the mount would need a newer frontend than Docker 20.10's)
  const urlSecrets = app.packageManager === 'pip' ? (app.pipSecrets ?? []).map(pipSecretOf) : [];
  // and the `${VARIABLES}` a requirement file's index URL names, which pip expands from the environment
  const variableSecrets = app.packageManager === 'pip' ? (app.indexSecrets ?? []).filter((v) => !urlSecrets.some((s) => s.id === v.id)) : [];
  const secrets = [...urlSecrets, ...variableSecrets];
  const secretIds = secrets.map((s) => s.id);
  const fromSecrets = secrets.map(readSecret);
  // uv, poetry and pdm read an index's credentials from their own variables, given the same way
  const toolSecrets = app.packageManager === 'pip' ? [] : (app.indexSecrets ?? []);
  const toolSecretIds = toolSecrets.map((s) => s.id);
  const fromToolSecrets = toolSecrets.map(readSecret);
  const commentToolSecrets = (): void => {
    if (toolSecrets.length === 0) return;
    w.comment(
      `Index credentials come from optional build secrets, kept in no layer; without them ${app.packageManager} reads pyproject.toml only:`,
      `  docker build ${toolSecrets.map((s) => `--secret id=${s.id},env=${s.variable}`).join(' ')} .`,
      app.packageManager === 'pdm'
        ? '  (the source URL in pyproject.toml names each variable as ${VARIABLE}, which pdm and pip expand; src=FILE reads one from a file instead)'
        : `  (${toolSecrets.length === 1 ? 'the variable holds' : 'each variable holds'} what ${app.packageManager} reads from it; src=FILE reads it from a file instead)`,
    );
  };
  // the exported list may hold the credentials (poetry export --with-credentials): it leaves with the RUN
  const dropExport = toolSecrets.length > 0 ? ['rm -f /tmp/requirements.txt'] : [];
  const workspace = app.packageManager === 'uv' ? app.workspace : undefined;
  const uvSync = 'UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/tmp/venv uv sync --frozen --no-dev';
  const uvPython = '--python /usr/local/bin/python3';
  const uvCache = [{ target: '/root/.cache/uv' }];
  switch (app.packageManager) {
    case 'pip':
      if (app.manifests.includes('requirements.txt')) {
        if (secrets.length > 0) {
          w.comment(
            'Index URLs with credentials come from optional build secrets, kept in no layer; without them pip reads requirements.txt only:',
            `  docker build ${secrets.map((s) => `--secret id=${s.id},env=${s.variable}`).join(' ')} .`,
            variableSecrets.length === 0
              ? `  (${secrets.length === 1 ? 'the variable holds' : 'each variable holds'} the URL; src=FILE reads it from a file instead)`
              : `  (${[...urlSecrets.map((s) => `${s.variable} holds the URL`), `${variableSecrets.map((s) => s.variable).join(' and ')} ${variableSecrets.length === 1 ? 'holds what the requirement files name' : 'hold what the requirement files name'} as \${VARIABLE}, which pip expands`].join('; ')}; src=FILE reads one from a file instead)`,
          );
        }
        if ((app.localRequirements ?? []).length > 0) {
          // the project's own packages (`-e .`) need the sources: everything else installs first, from a copy without them
          w.comment('requirements.txt installs local projects, which need the sources: the dependencies install first without them.');
          w.run([...fromSecrets, "sed -E '/^[[:space:]]*((-e|--editable)([[:space:]]+|[[:space:]]*=[[:space:]]*))?\\.{1,2}(\\/[^[:space:];[]*)?[[:space:]]*(#.*)?$/d' requirements.txt > requirements.deps.txt", 'pip install --target=/deps -r requirements.deps.txt'], [pipCache], secretIds);
        } else w.run([...fromSecrets, 'pip install --target=/deps -r requirements.txt'], [pipCache], secretIds);
      }
      break;
    case 'uv':
      w.copy(['/uv'], '/usr/local/bin/uv', { from: 'uv' });
      commentToolSecrets();
      // uv sync installs what uv.lock records, each package from the index the lock names for it. An exported
      // requirements.txt does not carry that: uv export writes a registry package as `name==version` alone
      // (crates/uv-resolver/src/lock/export/requirements_txt.rs, Source::Registry), and `uv pip install` reads the
      // [[tool.uv.index]] entries of pyproject.toml (PipSettings::combine in crates/uv/src/settings.rs) but not
      // [tool.uv.sources], so a package pinned to an `explicit = true` index is never looked up there
      // (astral-sh/uv#16990, #8846). The environment is a virtualenv made with the builder's Python, whose
      // site-packages becomes /deps (UV_PROJECT_ENVIRONMENT came with uv 0.4.4, astral-sh/uv#6834: the 0.5 image has it); UV_INDEX_<NAME>_USERNAME/_PASSWORD apply to pyproject.toml's named indexes
      // as before (docs/configuration/indexes.md, "Providing credentials directly").
      // the cache mount is another filesystem than the environment: uv copies (UV_LINK_MODE=copy says so, without its warning)
      if (workspace === undefined) {
        w.run([...fromToolSecrets, `${uvSync} --no-install-project ${uvPython}`, `mv /tmp/venv/lib/python${version}/site-packages /deps`], uvCache, toolSecretIds);
        break;
      }
      // a workspace member: the third-party packages it needs (--package, its workspace dependencies' included) install
      // before the sources, with every member left out (--no-install-workspace, uv's advice for a workspace's cached layer)
      w.run([...fromToolSecrets, `${uvSync} --package ${workspace.package} --no-install-workspace ${uvPython}`], uvCache, toolSecretIds);
      break;
    case 'poetry':
      commentToolSecrets();
      // poetry export writes a source's URL without its credentials unless asked: pip, installing the list, needs them
      w.run(
        [...fromToolSecrets, 'pip install "poetry>=1.8,<3" "poetry-plugin-export>=1.8"', `poetry export --only main${toolSecrets.length > 0 ? ' --with-credentials' : ''} -o /tmp/requirements.txt`, 'pip install --target=/deps -r /tmp/requirements.txt', ...dropExport],
        [pipCache],
        toolSecretIds,
      );
      break;
    case 'pdm':
      commentToolSecrets();
      w.run([...fromToolSecrets, 'pip install "pdm>=2.12"', 'pdm export --prod -o /tmp/requirements.txt', 'pip install --target=/deps -r /tmp/requirements.txt', ...dropExport], [pipCache], toolSecretIds);
      break;
  }
  w.copy(['.'], '.');
  if (workspace !== undefined) {
    // then the member and the workspace members it depends on, built from their sources and installed as wheels
    // (--no-editable), so the environment needs no source folder at run time (building one fetches its build backend)
    w.run([...fromToolSecrets, `${uvSync} --package ${workspace.package} --no-editable ${uvPython}`, `mv /tmp/venv/lib/python${version}/site-packages /deps`], uvCache, toolSecretIds);
  }
  const local = workspace !== undefined ? [] : [...new Set([...(app.installable ? ['.'] : []), ...(app.localRequirements ?? [])])];
  // (building a local project fetches its build backend from the index)
  if (local.length > 0) w.run([...fromSecrets, `pip install --no-deps --target=/deps ${local.join(' ')}`], [pipCache], secretIds);

  let runtime: string;
  let python: string;
  if (version === distrolessPython) {
    runtime = 'gcr.io/distroless/python3-debian12:nonroot';
    w.from(runtime, undefined, ['Runtime: distroless python3: CPython 3.11 and its libraries only (no shell, no pip, no apt),', 'about 70 MB smaller than python:3.11-slim.']);
    python = '/usr/bin/python3';
  } else {
    runtime = `python:${version}-slim-bookworm`;
    w.from(runtime, undefined, [`Runtime: python ${version} slim: distroless ships only Debian 12's CPython 3.11.`]);
    python = '/usr/local/bin/python3';
  }
  w.instruction('WORKDIR', '/app');
  w.instruction('ENV', 'PYTHONPATH=/deps PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1');
  if (app.packageManager !== 'pip' || app.manifests.includes('requirements.txt') || local.length > 0) w.copy(['/deps'], '/deps', { from: 'build' });
  // a workspace member's folder is what runs: the other members it uses are installed in /deps
  w.copy([workspace === undefined || workspace.member === '.' ? '.' : workspace.member], '.');
  runtimeTail(w, app.port);
  const port = String(app.port ?? 8000);
  const start = app.start;
  switch (start.kind) {
    case 'script':
      w.instruction('ENTRYPOINT', execForm([python, start.file]));
      break;
    case 'module':
      w.instruction('ENTRYPOINT', execForm([python, '-m', start.module]));
      break;
    case 'console-script': {
      // the generated console script's #! line names the builder's interpreter; call its function instead
      const [module, func] = start.target.split(':');
      w.instruction('ENTRYPOINT', execForm([python, '-c', `import sys; from ${module ?? start.target} import ${func ?? 'main'}; sys.exit(${func ?? 'main'}())`]));
      break;
    }
    case 'server':
      w.instruction(
        'ENTRYPOINT',
        execForm(start.server === 'gunicorn' ? [python, '-m', 'gunicorn', '--bind', `0.0.0.0:${port}`, start.app] : [python, '-m', 'uvicorn', start.app, '--host', '0.0.0.0', '--port', port]),
      );
      break;
  }
  return { runtime };
}

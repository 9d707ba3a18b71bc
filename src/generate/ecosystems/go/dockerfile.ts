/**
 * Go: modules downloaded before the sources are copied (a layer reused until go.mod/go.sum change), a static
 * binary (`CGO_ENABLED=0`, stripped, `-trimpath` for reproducibility) on distroless static: no libc at all. A module
 * of a Go workspace builds from the workspace root: go.work and the used modules' go.mod files first, then their
 * sources.
 */
import { type DockerfileWriter, execForm } from '../../dockerfile-writer.js';
import type { GoApp } from '../../types.js';
import { runtimeTail } from '../runtime-tail.js';

export const defaultGoVersion = '1.23';

/**
 * go.work (with go.work.sum) and every used module's go.mod and go.sum in their folders: `go mod download` in
 * workspace mode (Go 1.18+) reads them all, and needs no module's sources.
 */
function workspaceManifests(ws: NonNullable<GoApp['workspace']>, w: DockerfileWriter): void {
  const rootModule = ws.modules.find((m) => m.path === '.');
  const atRoot = [...(ws.goWorkSum ? ['go.work', 'go.work.sum'] : ['go.work']), ...(rootModule === undefined ? [] : rootModule.hasGoSum ? ['go.mod', 'go.sum'] : ['go.mod'])];
  w.copy(atRoot, './');
  for (const module of ws.modules) {
    if (module.path === '.') continue;
    w.copy(module.hasGoSum ? [`${module.path}/go.mod`, `${module.path}/go.sum`] : [`${module.path}/go.mod`], `./${module.path}/`);
  }
}

/** The folders not inside another of them (`.` holds them all), sorted: one COPY each. */
function outermost(folders: readonly string[]): string[] {
  const unique = [...new Set(folders)].sort();
  if (unique.includes('.')) return ['.'];
  return unique.filter((f) => !unique.some((o) => o !== f && f.startsWith(`${o}/`)));
}

export function goDockerfile(app: GoApp, w: DockerfileWriter): { runtime: string } {
  const version = app.goVersion ?? defaultGoVersion;
  const ws = app.workspace;
  w.from(`golang:${version}-bookworm`, 'build', [`Builder: Go ${version} (from ${ws?.goVersionFrom ?? 'go.mod'}) on Debian 12.`]);
  w.instruction('WORKDIR', '/src');
  // a go.work copied with the sources that cannot serve the build (see the notes): the module builds alone
  if (app.goWorkOff === true) w.instruction('ENV', 'GOWORK=off');
  if (ws === undefined) w.copy(app.hasGoSum ? ['go.mod', 'go.sum'] : ['go.mod'], './');
  else workspaceManifests(ws, w);
  // a module replaced by a local directory: go mod download reads its go.mod
  for (const dir of app.localModules ?? []) w.copy([`${dir}/go.mod`], `./${dir}/`);
  w.run(['go mod download'], [{ target: '/go/pkg/mod' }]);
  // a workspace: the sources of its modules (and of local replacements), each in its folder
  const folders = ws === undefined ? ['.'] : outermost([...ws.modules.map((m) => m.path), ...(app.localModules ?? [])]);
  for (const folder of folders) w.copy([folder], folder === '.' ? '.' : `./${folder}/`);
  const inModule = [ws?.member ?? '.', app.mainPackage].filter((p) => p !== '.').join('/');
  const pkg = inModule === '' ? '.' : `./${inModule}`;
  w.run([`CGO_ENABLED=${app.cgo ? 1 : 0} go build -trimpath -ldflags="-s -w" -o /out/app ${pkg}`], [{ target: '/go/pkg/mod' }, { target: '/root/.cache/go-build' }]);

  const runtime = app.cgo ? 'gcr.io/distroless/base-debian12:nonroot' : 'gcr.io/distroless/static-debian12:nonroot';
  w.from(
    runtime,
    undefined,
    app.cgo
      ? ['Runtime: distroless base: the cgo binary needs glibc; nothing else (no shell, no package manager).']
      : ['Runtime: distroless static: CA certificates, tzdata and /etc/passwd only; the static binary needs no libc.', 'Smaller than Alpine and with nothing to exploit but the app.'],
  );
  w.copy(['/out/app'], '/app', { from: 'build' });
  runtimeTail(w, app.port);
  w.instruction('ENTRYPOINT', execForm(['/app']));
  return { runtime };
}

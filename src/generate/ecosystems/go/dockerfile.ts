/**
 * Go: modules downloaded before the sources are copied (a layer reused until go.mod/go.sum change), a static
 * binary (`CGO_ENABLED=0`, stripped, `-trimpath` for reproducibility) on distroless static: no libc at all.
 */
import { type DockerfileWriter, execForm } from '../../dockerfile-writer.js';
import type { GoApp } from '../../types.js';
import { runtimeTail } from '../runtime-tail.js';

export const defaultGoVersion = '1.23';

export function goDockerfile(app: GoApp, w: DockerfileWriter): { runtime: string } {
  const version = app.goVersion ?? defaultGoVersion;
  w.from(`golang:${version}-bookworm`, 'build', [`Builder: Go ${version} (from go.mod) on Debian 12.`]);
  w.instruction('WORKDIR', '/src');
  w.copy(app.hasGoSum ? ['go.mod', 'go.sum'] : ['go.mod'], './');
  // a module replaced by a local directory: go mod download reads its go.mod
  for (const dir of app.localModules ?? []) w.copy([`${dir}/go.mod`], `./${dir}/`);
  w.run(['go mod download'], [{ target: '/go/pkg/mod' }]);
  w.copy(['.'], '.');
  const pkg = app.mainPackage === '.' ? '.' : `./${app.mainPackage}`;
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

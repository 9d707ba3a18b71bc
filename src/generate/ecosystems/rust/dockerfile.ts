/**
 * Rust: dependencies compiled against a placeholder main before the sources are copied (a cached layer until
 * Cargo.toml/Cargo.lock change), then the binary, statically linked against glibc (`+crt-static`) so it runs
 * on distroless static. A crate linking C libraries (openssl-sys, …) stays dynamic on distroless cc.
 */
import { type DockerfileWriter, execForm } from '../../dockerfile-writer.js';
import type { RustApp } from '../../types.js';
import { runtimeTail } from '../runtime-tail.js';

/** A word the shell reads as `text` (single-quoted unless it needs no quotes). */
function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Which binary the build makes, and how to make another, when the crate has several. */
function binaryComment(app: RustApp): string[] {
  const others = (app.otherBins ?? []).join(', ');
  switch (app.binChoice) {
    case 'default-run':
      return [`Builds ${app.bin}, the binary [package] default-run names (what cargo run runs); the crate's others: ${others}.`];
    case 'first':
      return [`Builds ${app.bin}, the first of the crate's binaries (the others: ${others});`, `default-run = "NAME" in Cargo.toml's [package] builds another.`];
    case undefined:
      return [];
  }
}

export function rustDockerfile(app: RustApp, w: DockerfileWriter): { runtime: string } {
  const version = app.rustVersion === undefined ? '1' : app.rustVersion.split('.').slice(0, 2).join('.');
  const staticBinary = app.nativeDeps.length === 0;
  w.from(`rust:${version}-bookworm`, 'build', [`Builder: Rust ${version} on Debian 12.`]);
  w.instruction('WORKDIR', '/src');
  const locked = app.hasLockfile ? ' --locked' : '';
  // symbols stripped (Cargo's profile setting, overridable per build): the standard library's debug info is
  // most of a small binary's size (a std-only HTTP server: 12.7 MB unstripped, under 1 MB stripped)
  const flags = `CARGO_PROFILE_RELEASE_STRIP=symbols ${staticBinary ? 'RUSTFLAGS="-C target-feature=+crt-static" ' : ''}`;
  // the host triple: --target makes RUSTFLAGS apply to the binary only, not to build scripts and proc macros
  const target = '--target "$(rustc -vV | sed -n \'s/^host: //p\')"';
  const registry = { target: '/usr/local/cargo/registry' };
  if (!app.workspace) {
    w.copy(app.hasLockfile ? ['Cargo.toml', 'Cargo.lock'] : ['Cargo.toml'], './');
    // Cargo's configuration and the vendored sources it points to decide where dependencies come from
    if (app.cargoConfig !== undefined) w.copy([app.cargoConfig], './.cargo/');
    for (const dir of app.vendored) w.copy([dir], `./${dir}`);
    // the crates its path dependencies name are built with the dependencies: their manifests and sources first
    for (const dir of app.pathDeps ?? []) w.copy([dir], `./${dir}`);
    // a placeholder at every other file the manifest's targets name too (an empty library for [lib]): Cargo refuses a
    // manifest whose targets are missing, and fails to build a library or build script it cannot read
    const mains = (app.mainFiles ?? []).map(shellQuote);
    const lib = app.libFile === undefined ? undefined : shellQuote(app.libFile);
    const stubs = lib === undefined ? mains : [...mains, lib];
    const placeholders = [
      ...mains.map((file) => `mkdir -p "$(dirname ${file})" && echo 'fn main() {}' > ${file}`),
      ...(lib === undefined ? [] : [`mkdir -p "$(dirname ${lib})" && touch ${lib}`]),
    ];
    w.run(["mkdir -p src && echo 'fn main() {}' > src/main.rs", ...placeholders, `${flags}cargo build --release${locked} ${target}`, stubs.length === 0 ? 'rm -rf src' : `rm -rf src ${stubs.join(' ')}`], [registry]);
    w.copy(['.'], '.');
    w.comment(...binaryComment(app));
    // COPY keeps the sources' old mtimes; touch them so cargo rebuilds over the placeholders (all of them, target/
    // aside, when a placeholder stood outside src/main.rs)
    const touch = stubs.length === 0 ? `find src -name '*.rs' -exec touch {} +` : `find . -path ./target -prune -o -name '*.rs' -exec touch {} +`;
    w.run([touch, `${flags}cargo build --release${locked} ${target} --bin ${app.bin}`, `cp target/*/release/${app.bin} /out-app`], [registry]);
  } else {
    w.copy(['.'], '.');
    w.comment(...binaryComment(app));
    // the member's package named: a workspace whose root is a package builds only the root's targets unless told
    const selected = app.package === undefined ? '' : ` --package ${shellQuote(app.package)}`;
    w.run([`${flags}cargo build --release${locked} ${target}${selected} --bin ${app.bin}`, `cp target/*/release/${app.bin} /out-app`], [registry, { target: '/src/target' }]);
  }
  const runtime = staticBinary ? 'gcr.io/distroless/static-debian12:nonroot' : 'gcr.io/distroless/cc-debian12:nonroot';
  w.from(
    runtime,
    undefined,
    staticBinary
      ? ['Runtime: distroless static: the binary is linked statically (glibc, +crt-static), so it needs no libc;', 'Debian has no musl target for rustc, which is why not Alpine.']
      : [`Runtime: distroless cc (glibc, libgcc, libstdc++): ${app.nativeDeps.join(', ')} link C libraries, so the binary stays dynamic.`],
  );
  w.copy(['/out-app'], '/app', { from: 'build' });
  runtimeTail(w, app.port);
  w.instruction('ENTRYPOINT', execForm(['/app']));
  return { runtime };
}

/** What the detectors find in a project, and what the generators need from it. */
import type { ProjectFiles } from './project-files.js';

export type Ecosystem = 'node' | 'go' | 'python' | 'java' | 'rust';

/** Fields every detected app has. */
export interface AppBase {
  /** The app's directory relative to the project root (posix, `.` for the root); what `--app` names. */
  path: string;
  /** The build context: the directory holding the manifests and lockfiles the build needs, relative to the root. */
  context: string;
  /** A short name for the app (package name, module's last element, binary name). */
  name: string;
  /** The port the app listens on, when the sources or the framework tell. */
  port?: number;
  /** An HTTP health-check path the sources name (`/healthz`, `/health`, Spring Boot's actuator), for probes. */
  healthPath?: string;
  /** Things detection could not settle, each a sentence a user can act on (syft's "unknowns"). */
  notes: string[];
}

export type NodePackageManager = 'npm' | 'yarn' | 'yarn-berry' | 'pnpm' | 'bun';
export type NodeFramework = 'next' | 'nest' | 'fastify' | 'express';

/** A workspace member with a build script that the app depends on. */
export interface WorkspaceBuild {
  /** The member's folder relative to the workspace root. */
  member: string;
  /** Its package name (yarn and pnpm run a member's script by name). */
  name?: string;
  /** Where its build writes (tsconfig's outDir, else `dist`), relative to its folder. */
  outDir: string;
  /** Whether the app loads it at run time (a production dependency of the app or of one that is). */
  runtime: boolean;
}

export interface NodeApp extends AppBase {
  ecosystem: 'node';
  packageManager: NodePackageManager;
  /** The `packageManager` field (`pnpm@9.15.9+sha512.…`), which corepack reads and pins; undefined when absent. */
  packageManagerField?: string;
  /** pnpm-lock.yaml's `lockfileVersion` major (9 from pnpm 9 and 10, 6 from pnpm 8, 5 from pnpm 7). */
  pnpmLockfileMajor?: number;
  /** The lockfile found, relative to `context`; undefined when there is none. */
  lockfile?: string;
  /** Node major version from engines/.nvmrc/.node-version, or undefined for the default. */
  nodeMajor?: number;
  /** True when `package.json` has a `build` script (TypeScript, bundlers, Next.js). */
  build: boolean;
  typescript: boolean;
  framework?: NodeFramework;
  /** Next.js with `output: 'standalone'`. */
  nextStandalone: boolean;
  /**
   * Next.js may optimise images at runtime (`next/image` imported, no `images.unoptimized`, no custom loader):
   * the standalone output then needs `sharp` and its libvips binaries; otherwise they are dropped.
   */
  nextImageOptimization: boolean;
  /** A `public/` directory exists (Next.js serves it). */
  hasPublicDir: boolean;
  /** Where the build writes its output (`dist` unless tsconfig says otherwise). */
  outDir: string;
  /** The file node runs, relative to the app directory (`dist/index.js`, `server.js`). */
  entry: string;
  /** node's options from the start script (`--require ./tracing.js`), given before `entry`. */
  nodeOptions?: string[];
  /** The script's arguments from the start script, given after `entry`. */
  args?: string[];
  /** Variables the start script sets (NODE_ENV and secret-looking names left out). */
  env?: Record<string, string>;
  /**
   * A member of a workspace (`workspaces` in the root package.json, or `pnpm-workspace.yaml`): the context is the
   * workspace root, which holds the lockfile; `member` is the app's folder relative to it, `members` every member's
   * folder (their package.json files are copied before the install, which links them); `file` names
   * `pnpm-workspace.yaml` when that file declares the members (it is copied with them). `built` lists the members the
   * app depends on (through its dependencies and theirs, dev ones included) that have a build script, dependencies
   * first: the build stage builds them before the app, and the runtime copies the output of those it needs at run
   * time (reached through `dependencies` alone: `runtime`).
   */
  workspace?: { member: string; members: string[]; file?: 'pnpm-workspace.yaml'; built?: WorkspaceBuild[] };
  /** Yarn berry's files in the context that the install reads: `.yarnrc.yml`, `.yarn/releases`, `.yarn/plugins`, `.yarn/patches`. */
  yarnConfig?: string[];
  /** Yarn berry would link with Plug'n'Play (no `nodeLinker: node-modules` or `pnpm` in `.yarnrc.yml`). */
  yarnPnp?: boolean;
  /** The install root's package.json has a `prepare` script, which every install runs. */
  prepareScript?: boolean;
  /** Has production dependencies (else no node_modules is copied to the runtime). */
  hasDependencies: boolean;
}

export interface GoApp extends AppBase {
  ecosystem: 'go';
  /** Go version from go.mod's `toolchain`/`go` line, e.g. `1.22`. */
  goVersion?: string;
  /** The main package to build, relative to the module root (`.`, `cmd/server`). */
  mainPackage: string;
  hasGoSum: boolean;
  /**
   * Module directories the `replace` directives of go.mod (and of go.work and the workspace's modules) name inside
   * the context (`lib`), relative to it.
   */
  localModules?: string[];
  /**
   * A module a Go workspace (`go.work`) uses: the context is the workspace root; `member` is the module's folder
   * relative to it (`.` when the root is the module), `modules` every used module's folder (the member included,
   * sorted) with whether it has a go.sum: their go.mod and go.sum are copied before `go mod download`, their sources
   * after it. `goWorkSum` tells whether go.work.sum is there; `goVersionFrom` names the file the Go version came from.
   */
  workspace?: { member: string; modules: { path: string; hasGoSum: boolean }[]; goWorkSum: boolean; goVersionFrom: 'go.work' | 'go.mod' };
  /** A go.work in the context that the build cannot use (its module is not listed, or it uses folders outside): GOWORK=off. */
  goWorkOff?: boolean;
  /** The sources import "C" or a cgo-only dependency: the binary needs libc. */
  cgo: boolean;
}

export type PythonPackageManager = 'uv' | 'poetry' | 'pdm' | 'pip';
export type PythonServer = 'gunicorn' | 'uvicorn';

export interface PythonApp extends AppBase {
  ecosystem: 'python';
  packageManager: PythonPackageManager;
  /** Python `major.minor` from .python-version / requires-python / poetry, or undefined for the default. */
  pythonVersion?: string;
  /** Files describing dependencies, relative to `context` (copied before the sources). */
  manifests: string[];
  /** How the app starts. */
  start:
    | { kind: 'module'; module: string }
    | { kind: 'script'; file: string }
    | { kind: 'console-script'; name: string; target: string }
    | { kind: 'server'; server: PythonServer; app: string };
  /** A pyproject that builds an installable package. */
  installable: boolean;
  /**
   * Local projects requirements.txt itself installs (`-e .`, `./libs/pkg`), relative to the context: installed
   * (not editable) once the sources are copied, and left out of the dependency install before them.
   */
  localRequirements?: string[];
  /**
   * pip options the requirement files give a URL with credentials (`--index-url https://user:token@host/simple`),
   * or the project's pip.conf, pip.ini or .env once the URL has moved there: pip's installs read each from an
   * optional build secret (`pip-index-url` → `PIP_INDEX_URL`), so the URL can leave the files, which COPY puts in
   * the image.
   */
  pipSecrets?: PipUrlOption[];
  /**
   * Variables uv, poetry or pdm read an index's credentials from (`UV_INDEX_CORP_PASSWORD`,
   * `POETRY_HTTP_BASIC_CORP_PASSWORD`, a pdm source's `${VARIABLE}`), for the indexes pyproject.toml names with
   * credentials: the install reads each from an optional build secret, so the credentials can leave the file. For
   * pip, the `${VARIABLES}` a requirement file's index URL names that the project's `.env` sets (pip expands them
   * from the environment, `--extra-index-url https://${PIP_USER}:${PIP_TOKEN}@host/simple`).
   */
  indexSecrets?: BuildSecret[];
  /**
   * A member of a uv workspace (`[tool.uv.workspace]` in the root pyproject.toml), or its root: the context is the
   * workspace root, which holds uv.lock; `member` is the app's folder relative to it (`.` for the root), `members`
   * every member's folder, the app's included (their pyproject.toml files are copied before the install, uv needs them all to read
   * the lockfile), `package` the project name `uv sync --package` takes.
   */
  workspace?: { member: string; members: string[]; package: string };
}

/** A build secret (`RUN --mount=type=secret,id=…`) read into an environment variable for one RUN. */
export interface BuildSecret {
  id: string;
  variable: string;
}

/** The pip options whose URL a build secret can give instead of a requirements file. */
export type PipUrlOption = 'index-url' | 'extra-index-url' | 'find-links';

export type JavaBuildTool = 'maven' | 'gradle';

export interface JavaApp extends AppBase {
  ecosystem: 'java';
  buildTool: JavaBuildTool;
  /** `mvnw` / `gradlew` is present. */
  wrapper: boolean;
  /** Java feature release from the build file (`17`, `21`), or undefined for the default. */
  javaVersion?: number;
  springBoot: boolean;
  /** Spring Boot's version from the parent or plugin, when given. */
  springBootVersion?: string;
  /** The jar the build writes, relative to `context`, when it can be known from the build file. */
  jar?: string;
  /** Build files copied before the sources. */
  manifests: string[];
  /**
   * Maven's run-time dependencies: none, `separate` jars (a plain `package` leaves them out of the app's jar, so
   * the image carries them in their own layer), or `bundled` into the jar by the shade or assembly plugin.
   */
  libraries?: 'none' | 'separate' | 'bundled';
}

export interface RustApp extends AppBase {
  ecosystem: 'rust';
  /** The binary target to build. */
  bin: string;
  /**
   * The package the binary belongs to (`[package] name`): a workspace build selects it (`--package`), as a workspace
   * whose root is a package itself builds only the root's targets by default ("no bin target named … in default-run
   * packages").
   */
  package?: string;
  /**
   * Why `bin` among several: `[package] default-run` names it (what `cargo run` runs), or it is the `first` of
   * them; absent when the crate has one binary.
   */
  binChoice?: 'default-run' | 'first';
  /** The crate's other binaries, when it has several. */
  otherBins?: string[];
  /**
   * The program files the manifest names other than src/main.rs (relative to the crate's folder), when there are
   * any: those of its `[[bin]]`, `[[example]]`, `[[test]]` and `[[bench]]` tables and its build script. Cargo reads
   * them when it loads the manifest or builds, so the dependency build's placeholder main stands at each.
   */
  mainFiles?: string[];
  /** The file a `[lib]` table names (src/lib.rs without a `path`): the dependency build puts an empty library there. */
  libFile?: string;
  /** The crate is a member of a workspace rooted at `context`. */
  workspace: boolean;
  hasLockfile: boolean;
  rustVersion?: string;
  /** A dependency links a C library (openssl-sys, …): needs the glibc + cc runtime instead of a static binary. */
  nativeDeps: string[];
  /** Cargo's project configuration (`.cargo/config.toml` or `.cargo/config`, relative to `context`): source replacement, registries, build flags. */
  cargoConfig?: string;
  /** Directory sources that configuration names inside the context (`cargo vendor` output), relative to `context`. */
  vendored: string[];
  /**
   * A package outside any workspace: the folders of its path dependencies inside the context, theirs included,
   * relative to `context`, which its dependency build reads before the sources are copied.
   */
  pathDeps?: string[];
}

export type DetectedApp = NodeApp | GoApp | PythonApp | JavaApp | RustApp;

/** One detector per ecosystem: looks at a directory's files, never runs anything. */
export interface Detector {
  ecosystem: Ecosystem;
  /** The apps whose manifest sits in `dir` (relative to the root); [] when the directory is not this ecosystem. */
  detect(files: ProjectFiles, dir: string): Promise<DetectedApp[]>;
}

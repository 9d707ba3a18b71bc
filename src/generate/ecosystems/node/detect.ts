/**
 * Node.js: `package.json` and its lockfile. Reads the package manager (the `packageManager` field first, as
 * corepack does, then the lockfile), the Node major (engines, .nvmrc, .node-version), whether a build step
 * exists (TypeScript, Next.js), the framework and the file `node` should run.
 */
import semver from 'semver';
import { z } from 'zod';
import { findHealthPath, healthPathFromRoutes } from '../../health.js';
import { findPort } from '../../ports.js';
import { joinPath, type ProjectFiles, searchDepth } from '../../project-files.js';
import type { Detector, NodeApp, NodeFramework, NodePackageManager, WorkspaceBuild } from '../../types.js';
import { defaultNodeMajor } from './dockerfile.js';
import { forImage, type NodeStart, parseStartScript, preloadsOf, withoutPreloads } from '../../../dockerfile/index.js';
import { maxMemberEntries } from '../../member-globs.js';
import { isWorkspaceRoot, workspaceAt, workspaceMembers, workspaceRootOf } from './workspace.js';

const packageJsonSchema = z.looseObject({
  name: z.string().optional(),
  main: z.string().optional(),
  bin: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  type: z.string().optional(),
  packageManager: z.string().optional(),
  scripts: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
  engines: z.looseObject({ node: z.string().optional() }).optional(),
  workspaces: z.union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).optional() })]).optional(),
});

const lockfiles: [string, NodePackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** LTS code names nvm and fnm accept in `.nvmrc` (`lts/iron`), as nodejs.org/dist/index.json names the lines. */
const ltsNames: Record<string, number> = { gallium: 16, hydrogen: 18, iron: 20, jod: 22, krypton: 24 };

/**
 * The Node major for a semver range or version file, read with semver. A range that admits several lines gets the
 * newest LTS (even) line it admits up to the default, as buildpacks resolve a range to its newest release rather than
 * its oldest: `>=18` → 22 (not the end-of-life 18), `^18 || ^20` → 20, `<22` → 20; a range admitting only lines above
 * the default, the lowest even one (`>=23` → 24); else its lowest line (`^21` → 21). `v20.11.1` → 20; `lts/iron` → 20
 * (`lts/*`, `*` and `node` name no fixed line: undefined).
 */
export function nodeMajorOf(spec: string): number | undefined {
  const lts = /^\s*lts\/([a-z]+)\s*$/i.exec(spec)?.[1]?.toLowerCase();
  if (lts !== undefined) return ltsNames[lts];
  const text = spec.trim().replace(/^v(?=\d)/, '');
  const range = semver.validRange(text);
  if (range !== null) {
    if (range === '*') return undefined;
    const admits = (major: number): boolean => semver.intersects(range, `${major}.x`);
    for (let major = defaultNodeMajor; major >= 10; major -= 2) if (admits(major)) return major;
    for (let major = defaultNodeMajor + 2; major < 100; major += 2) if (admits(major)) return major;
    const min = semver.minVersion(range);
    return min !== null && min.major >= 10 && min.major < 100 ? min.major : undefined;
  }
  const match = /(\d+)(?:\.[\dx*]+){0,2}/.exec(text);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major >= 10 && major < 100 ? major : undefined;
}

/** The outDir of a tsconfig (JSON with comments: read with a pattern, not JSON.parse). */
function tsOutDir(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const match = /"outDir"\s*:\s*"([^"]+)"/.exec(text);
  return match?.[1]?.replace(/^\.\//, '').replace(/\/$/, '');
}

/** A TypeScript source node cannot run without a loader (`.ts`, `.mts`, `.cts`). */
const typeScriptFile = /\.[cm]?ts$/;

/** The JavaScript file tsc writes for a source: `src/index.ts` → `dist/index.js` (rootDir `src` or the project). */
function compiledPath(source: string, outDir: string): string {
  return `${outDir}/${source.replace(/^src\//, '').replace(/\.([cm]?)ts$/, '.$1js')}`;
}

/** Packages that make node run TypeScript as a preload (`--import tsx`, `-r ts-node/register`): development runners. */
const typeScriptLoaders = new Set(['tsx', 'ts-node', '@swc-node/register', 'esbuild-register', '@esbuild-kit/cjs-loader', '@esbuild-kit/esm-loader', '@babel/register', 'sucrase']);

/** The package a preload names (`tsx/esm` → tsx, `@swc-node/register/esm` → @swc-node/register). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

const isTypeScriptLoader = (preload: string): boolean => typeScriptLoaders.has(packageOf(preload));

function frameworkOf(deps: Record<string, string>): NodeFramework | undefined {
  if ('next' in deps) return 'next';
  if ('@nestjs/core' in deps) return 'nest';
  if ('fastify' in deps) return 'fastify';
  if ('express' in deps) return 'express';
  return undefined;
}

/**
 * What the start script tells the image: node's options and the script's arguments, the variables it sets (not
 * NODE_ENV, which the image sets), and notes on what the image leaves out (env files, secrets; never their values).
 */
function startOf(start: NodeStart, manifest: string, notes: string[]): Pick<NodeApp, 'nodeOptions' | 'args' | 'env'> {
  const safe = forImage(start);
  for (const { kind, name } of safe.left) {
    if (kind === 'env-file') notes.push(`${manifest}: scripts.start reads ${name}; the image has no env file (it is a secret): pass the variables with docker run --env-file`);
    else if (kind === 'variable') notes.push(`${manifest}: scripts.start sets ${name}, which looks secret and is left out of the image: pass it at run time`);
    else notes.push(`${manifest}: scripts.start passes ${name}, which looks secret and is left out of the image's command: pass it at run time`);
  }
  const env: Record<string, string> = {};
  for (const [name, value] of safe.env) if (name !== 'NODE_ENV') env[name] = value;
  return { ...(safe.options.length === 0 ? {} : { nodeOptions: safe.options }), ...(safe.args.length === 0 ? {} : { args: safe.args }), ...(Object.keys(env).length === 0 ? {} : { env }) };
}

/** Folders where a Next.js app's components live (app router, pages router, `src/`, shared components). */
const nextSourceDirs = ['app', 'pages', 'src', 'components'];

/**
 * Whether any source imports `next/image` (or `next/legacy/image`): only then does `/_next/image` optimise, with
 * sharp. Bounded like every scan here (500 files per folder); a project past the bound counts as importing it.
 */
async function importsNextImage(files: ProjectFiles, dir: string): Promise<boolean> {
  for (const folder of nextSourceDirs) {
    const sources = await files.findFiles(joinPath(dir, folder), (n) => /\.[cm]?[jt]sx?$/.test(n), { maxFiles: 500 });
    if (sources.length >= 500) return true;
    for (const source of sources) {
      // a file too large to read is not ruled out
      const text = await files.readText(source).catch(() => "import 'next/image'");
      if (text !== undefined && /['"]next\/(?:legacy\/)?image['"]/.test(text)) return true;
    }
  }
  return false;
}

/**
 * The workspace members `pkg` depends on (through dependencies and devDependencies, and theirs) that have a build
 * script, dependencies first, the app left out: a member's build (tsc reading a library's declarations) needs the
 * libraries built before it, and the runtime loads the output of those reached through `dependencies` alone. A
 * dependency is a member when a member's package.json has its name, as npm, yarn and pnpm link them.
 */
async function workspaceBuilds(files: ProjectFiles, root: string, members: string[], app: string, pkg: z.infer<typeof packageJsonSchema>): Promise<WorkspaceBuild[]> {
  const byName = new Map<string, { member: string; pkg: z.infer<typeof packageJsonSchema> }>();
  for (const member of members) {
    if (member === app) continue;
    const manifest = await files.readJson(joinPath(joinPath(root, member), 'package.json'), packageJsonSchema, 'an npm package.json').catch(() => undefined);
    if (manifest?.name !== undefined) byName.set(manifest.name, { member, pkg: manifest });
  }
  const runtime = new Set<string>();
  const reach = (deps: Record<string, string> | undefined): void => {
    for (const name of Object.keys(deps ?? {})) {
      const found = byName.get(name);
      if (found === undefined || runtime.has(name)) continue;
      runtime.add(name);
      reach(found.pkg.dependencies);
    }
  };
  reach(pkg.dependencies);
  const ordered: WorkspaceBuild[] = [];
  const seen = new Set<string>();
  const visit = async (manifest: z.infer<typeof packageJsonSchema>): Promise<void> => {
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
      const found = byName.get(name);
      if (found === undefined || seen.has(name)) continue;
      seen.add(name);
      await visit(found.pkg);
      if (found.pkg.scripts?.build === undefined) continue;
      const outDir = tsOutDir(await files.readText(joinPath(joinPath(root, found.member), 'tsconfig.json'))) ?? 'dist';
      ordered.push({ member: found.member, name, outDir, runtime: runtime.has(name) });
    }
  };
  await visit(pkg);
  return ordered;
}

async function someFile(files: ProjectFiles, paths: string[]): Promise<boolean> {
  for (const path of paths) if (await files.isFile(path).catch(() => false)) return true;
  return false;
}

export const nodeDetector: Detector = {
  ecosystem: 'node',
  async detect(files: ProjectFiles, dir: string): Promise<NodeApp[]> {
    const apps = await packageDetector.detect(files, dir);
    // a workspace's members deeper than detection looks (`services/**`) are found from its root, as its package manager finds them
    const ws = await workspaceAt(files, dir);
    if (ws === undefined) return apps;
    for (const member of (await workspaceMembers(files, ws)).members) {
      const path = joinPath(dir, member);
      if (path.split('/').length > searchDepth) apps.push(...(await packageDetector.detect(files, path)));
    }
    return apps;
  },
};

/** The app the package.json in a folder describes, if it is one: a workspace member with a start script, or a package outside one. */
const packageDetector = {
  async detect(files: ProjectFiles, dir: string): Promise<NodeApp[]> {
    const manifest = joinPath(dir, 'package.json');
    const pkg = await files.readJson(manifest, packageJsonSchema, 'an npm package.json');
    if (pkg === undefined) return [];
    const notes: string[] = [];
    const scripts = pkg.scripts ?? {};
    const deps = pkg.dependencies ?? {};
    const allDeps = { ...deps, ...(pkg.devDependencies ?? {}) };
    // a workspace root with no app of its own: its packages are the apps (pnpm lists them in pnpm-workspace.yaml)
    if (scripts.start === undefined && pkg.main === undefined && (await isWorkspaceRoot(files, dir))) return [];

    // a workspace member: an app only when it has a start script (the rest are its libraries); the workspace
    // root is the context, with the lockfile
    const ws = await workspaceRootOf(files, dir);
    if (ws !== undefined && scripts.start === undefined) return [];
    const context = ws?.root ?? dir;

    let packageManager: NodePackageManager | undefined;
    let lockfile: string | undefined;
    for (const [name, manager] of lockfiles) {
      if (await files.isFile(joinPath(context, name))) {
        packageManager ??= manager;
        lockfile ??= name;
      }
    }
    // the install runs at the context's root: its package.json is the one corepack and the package manager read there
    const rootPkg = context === dir ? pkg : ((await files.readJson(joinPath(context, 'package.json'), packageJsonSchema, 'an npm package.json').catch(() => undefined)) ?? {});
    const packageManagerField = rootPkg.packageManager ?? pkg.packageManager;
    const declared = /^(npm|yarn|pnpm|bun)@(\d+)[\w.+-]*$/.exec(packageManagerField ?? '');
    if (declared?.[1] !== undefined) {
      const tool = declared[1] as 'npm' | 'yarn' | 'pnpm' | 'bun';
      packageManager = tool === 'yarn' && Number(declared[2]) >= 2 ? 'yarn-berry' : tool;
    } else if (packageManager === 'yarn' && (await files.isFile(joinPath(context, '.yarnrc.yml')))) {
      packageManager = 'yarn-berry';
    }
    // what yarn berry reads before it installs: its settings, and the release (`yarnPath`), plugins and patches they name
    const yarnConfig: string[] = [];
    let yarnPnp = false;
    if (packageManager === 'yarn-berry') {
      const rc = await files.readText(joinPath(context, '.yarnrc.yml'), 256 * 1024);
      if (rc !== undefined) yarnConfig.push('.yarnrc.yml');
      // Plug'n'Play (berry's default linker) writes no node_modules, which the image copies
      yarnPnp = !/^nodeLinker:\s*["']?(?:node-modules|pnpm)\b/m.test(rc ?? '');
      for (const folder of ['.yarn/releases', '.yarn/plugins', '.yarn/patches']) if (await files.isDir(joinPath(context, folder)).catch(() => false)) yarnConfig.push(folder);
    }
    let pnpmLockfileMajor: number | undefined;
    if (lockfile === 'pnpm-lock.yaml') {
      const head = (await files.readText(joinPath(context, lockfile), 1 << 26))?.slice(0, 200) ?? '';
      const version = /^lockfileVersion:\s*['"]?(\d+)/m.exec(head)?.[1];
      if (version !== undefined) pnpmLockfileMajor = Number(version);
    }
    if (declared === null && (packageManager === 'pnpm' || packageManager === 'yarn' || packageManager === 'yarn-berry')) {
      notes.push(`${joinPath(context, 'package.json')}: no packageManager field; the Dockerfile pins the ${packageManager === 'pnpm' ? 'pnpm' : 'yarn'} major through corepack, set "packageManager" (corepack use) to pin the exact release`);
    }
    if (lockfile === undefined) notes.push(`${manifest}: no lockfile; builds are not reproducible until one is committed`);

    // the member's own settings first, then the workspace root's (nvm and fnm look for .nvmrc upwards)
    const engines = pkg.engines?.node ?? rootPkg.engines?.node;
    let nodeMajor = engines === undefined ? undefined : nodeMajorOf(engines);
    for (const file of [...new Set([dir, context])].flatMap((d) => [joinPath(d, '.nvmrc'), joinPath(d, '.node-version')])) {
      if (nodeMajor !== undefined) break;
      const text = await files.readText(file, 4096);
      if (text !== undefined) nodeMajor = nodeMajorOf(text.trim());
    }

    // the package manager runs the install root's `prepare` (husky, a build on install) after every install
    const prepareScript = rootPkg.scripts?.prepare !== undefined;
    // the other install hooks stay (a native build, prisma generate may be needed at run time) but see no sources
    const hooks = ['preinstall', 'install', 'postinstall'].filter((h) => rootPkg.scripts?.[h] !== undefined);
    if (hooks.length > 0) {
      notes.push(`${joinPath(context, 'package.json')}: scripts.${hooks.join(', scripts.')} run${hooks.length === 1 ? 's' : ''} in the image's installs, before the sources are copied and, for the runtime, without dev dependencies; make ${hooks.length === 1 ? 'it' : 'them'} succeed there`);
    }
    if (prepareScript && packageManager === 'bun') {
      notes.push(`${joinPath(context, 'package.json')}: bun install runs its prepare script, before the sources are copied and, for the runtime, without dev dependencies; make it succeed there (husky || true)`);
    }

    const framework = frameworkOf(allDeps);
    const typescript = 'typescript' in allDeps || (await files.isFile(joinPath(dir, 'tsconfig.json')));
    const build = scripts.build !== undefined;
    const outDir = tsOutDir(await files.readText(joinPath(dir, 'tsconfig.json'))) ?? 'dist';

    let nextStandalone = false;
    let nextImageOptimization = false;
    if (framework === 'next') {
      let imagesOff = false;
      for (const name of ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs']) {
        const text = await files.readText(joinPath(dir, name));
        if (text === undefined) continue;
        if (/output\s*:\s*['"]standalone['"]/.test(text)) nextStandalone = true;
        // images served as they are, or by an external loader: the server never runs sharp
        if (/unoptimized\s*:\s*true\b|loader\s*:\s*['"](?!default['"])[\w-]+['"]|loaderFile\s*:/.test(text)) imagesOff = true;
      }
      if (!nextStandalone) notes.push(`${joinPath(dir, 'next.config.js')}: set output: 'standalone' for a runtime image without node_modules`);
      nextImageOptimization = !imagesOff && (await importsNextImage(files, dir));
    }

    const startScript = scripts.start === undefined ? undefined : parseStartScript(scripts.start);
    const start = startScript?.kind === 'node' ? startOf(startScript.start, manifest, notes) : {};
    let entry: string | undefined;
    let entrySource: string | undefined;
    if (nextStandalone) entry = 'server.js';
    if (entry === undefined && startScript?.kind === 'node' && startScript.start.entry !== undefined) {
      entry = startScript.start.entry;
      entrySource = 'scripts.start';
    }
    if (entry === undefined && framework === 'nest') entry = `${outDir}/main.js`;
    if (entry === undefined && pkg.main !== undefined) {
      entry = pkg.main.replace(/^\.\//, '');
      entrySource = 'main';
      // main pointing at TypeScript sources: run the compiled file
      if (typeScriptFile.test(entry) && build) entry = compiledPath(entry, outDir);
    }
    const [bin] = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
    if (entry === undefined && bin !== undefined) {
      entry = bin.replace(/^\.\//, '');
      entrySource = 'bin';
    }
    if (entry === undefined) {
      for (const candidate of build ? [`${outDir}/index.js`, `${outDir}/main.js`, `${outDir}/server.js`] : ['index.js', 'server.js', 'app.js', 'main.js']) {
        if (build || (await files.isFile(joinPath(dir, candidate)))) {
          entry = candidate;
          break;
        }
      }
    }
    // `next start` and `nest start` are read through the framework
    const startUnread = startScript?.kind === 'other' && framework !== 'next' && framework !== 'nest' ? startScript.runs : undefined;
    if (entry === undefined) {
      entry = 'index.js';
      if (startUnread === undefined) notes.push(`${manifest}: no start script, main or index.js; the Dockerfile runs index.js`);
    }
    if (startUnread !== undefined) {
      notes.push(`${manifest}: scripts.start runs ${startUnread}, not \`node FILE\`, which an image without a shell or dev dependencies cannot run; the Dockerfile runs ${entry}`);
    }
    // TypeScript through a loader (`node --import tsx src/index.ts`): the runtime has no dev dependencies and, with
    // a build, no sources; it runs what the build writes, without the loader
    let nodeOptions = start.nodeOptions;
    const loaders = preloadsOf(nodeOptions ?? []).filter(isTypeScriptLoader);
    if (typeScriptFile.test(entry) && build && entrySource === 'scripts.start') {
      const compiled = compiledPath(entry, outDir);
      notes.push(`${manifest}: scripts.start runs ${entry}${loaders.length === 0 ? '' : ` through ${loaders.join(', ')}`}, TypeScript; the image runs the build's ${compiled} instead, with no loader: check the build writes it there`);
      entry = compiled;
      nodeOptions = withoutPreloads(nodeOptions ?? [], isTypeScriptLoader);
    } else if (typeScriptFile.test(entry) && !build && entrySource !== undefined && !loaders.some((l) => packageOf(l) in deps)) {
      notes.push(
        `${manifest}: ${entrySource} names ${entry}, TypeScript, and there is no build script: the image runs it as it is, which needs a TypeScript loader among the dependencies (not devDependencies) or node's type stripping (Node 22.18 and later); a build script that compiles it gives a JavaScript image`,
      );
    }
    // a built app's entry outside the build output is copied by name: `node server` is the server.js node would find
    if (build && !entry.startsWith(`${outDir}/`) && !/\.[^/]+$/.test(entry) && !(await someFile(files, [joinPath(dir, entry)])) && (await someFile(files, [joinPath(dir, `${entry}.js`)]))) {
      entry = `${entry}.js`;
    }
    // a file node resolves the way it does (`lib/x` → `lib/x.js` or `lib/x/index.js`); built output is not there yet
    if (!build && entrySource !== undefined && !(await someFile(files, [entry, `${entry}.js`, `${entry}/index.js`].map((p) => joinPath(dir, p))))) {
      notes.push(`${manifest}: ${entrySource} names ${entry}, which is not in the project; the container will not start until it is`);
    }

    const sources = [joinPath(dir, entry.replace(new RegExp(`^${outDir}/`), 'src/').replace(/\.js$/, typescript ? '.ts' : '.js')), joinPath(dir, entry)];
    sources.push(...(await files.findFiles(joinPath(dir, 'src'), (n) => /\.[cm]?[jt]s$/.test(n), { maxFiles: 200 })));
    const port =
      (await findPort(files, sources, [/\.listen\(\s*(?:\{\s*port\s*:\s*)?(\d{4,5})/g, /PORT\s*(?:\|\||\?\?)\s*['"]?(\d{4,5})/g, /port\s*[:=]\s*(\d{4,5})/gi])) ??
      (framework === undefined ? undefined : 3000);
    let healthPath: string | undefined;
    if (framework === 'next') {
      for (const appDir of [joinPath(dir, 'app'), joinPath(dir, 'src/app')]) {
        healthPath ??= healthPathFromRoutes(await files.findFiles(appDir, (n) => /^route\.[cm]?[jt]s$/.test(n), { maxFiles: 500, maxDepth: 4 }), appDir);
      }
    } else healthPath = await findHealthPath(files, sources);

    let workspace: NodeApp['workspace'];
    if (ws !== undefined) {
      const member = ws.root === '.' ? dir : dir.slice(ws.root.length + 1);
      const { members, capped } = await workspaceMembers(files, ws);
      if (capped) notes.push(`${joinPath(ws.root, ws.file)}: the search for workspace members stopped after ${maxMemberEntries} folder entries; members in the folders left unread are not listed, and their package.json is not copied before the install`);
      const built = await workspaceBuilds(files, ws.root, members, member, pkg);
      workspace = { member, members, ...(ws.file === 'pnpm-workspace.yaml' ? { file: ws.file } : {}), ...(built.length === 0 ? {} : { built }) };
    }

    return [
      {
        ecosystem: 'node',
        path: dir,
        context,
        ...(workspace === undefined ? {} : { workspace }),
        name: pkg.name ?? (dir === '.' ? 'app' : dir.split('/').pop() ?? 'app'),
        ...(port === undefined ? {} : { port }),
        ...(healthPath === undefined ? {} : { healthPath }),
        notes,
        packageManager: packageManager ?? 'npm',
        ...(lockfile === undefined ? {} : { lockfile }),
        ...(declared === null || packageManagerField === undefined ? {} : { packageManagerField }),
        ...(pnpmLockfileMajor === undefined ? {} : { pnpmLockfileMajor }),
        ...(nodeMajor === undefined ? {} : { nodeMajor }),
        build,
        typescript,
        ...(framework === undefined ? {} : { framework }),
        nextStandalone,
        nextImageOptimization,
        hasPublicDir: await files.isDir(joinPath(dir, 'public')).catch(() => false),
        outDir,
        entry,
        ...(nextStandalone
          ? {}
          : { ...(nodeOptions === undefined || nodeOptions.length === 0 ? {} : { nodeOptions }), ...(start.args === undefined ? {} : { args: start.args }), ...(start.env === undefined ? {} : { env: start.env }) }),
        ...(prepareScript ? { prepareScript } : {}),
        ...(yarnConfig.length === 0 ? {} : { yarnConfig }),
        ...(yarnPnp ? { yarnPnp } : {}),
        hasDependencies: Object.keys(deps).length > 0,
      },
    ];
  },
};

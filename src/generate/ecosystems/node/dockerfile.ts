/**
 * Node.js: production dependencies installed in their own stage (a layer reused until the lockfile changes),
 * the build (TypeScript, Next.js) in another, and a distroless Node runtime: glibc, libstdc++ and node only.
 */
import { type DockerfileWriter, execForm } from '../../dockerfile-writer.js';
import type { NodeApp } from '../../types.js';
import { preloadsOf } from '../../../dockerfile/index.js';
import { runtimeTail } from '../runtime-tail.js';

/** Node majors distroless publishes for Debian 12. */
const distrolessNode = new Set([18, 20, 22, 24]);
export const defaultNodeMajor = 22;

interface Manager {
  manifests: string[];
  install: string;
  installProd: string;
  cache: string;
  setup?: string[];
}

/** The pnpm major that writes a lockfile version: 9.0 (pnpm 9 and 10), 6.0 (pnpm 8), 5.x (pnpm 7). */
function pnpmMajorFor(lockfileMajor: number | undefined): number {
  if (lockfileMajor === 6) return 8;
  if (lockfileMajor === 5) return 7;
  return 9;
}

/**
 * pnpm and yarn come from corepack (bundled with Node up to 24): with a `packageManager` field corepack fetches
 * exactly that release (and checks its hash when the field has one); without it, the major that matches the
 * lockfile is installed as corepack's default.
 */
function corepackSetup(app: NodeApp, fallback: string): string[] {
  return app.packageManagerField === undefined ? ['corepack enable', `corepack install -g ${fallback}`] : ['corepack enable'];
}

function managerOf(app: NodeApp): Manager {
  const lock = app.lockfile === undefined ? [] : [app.lockfile];
  switch (app.packageManager) {
    case 'npm':
      return app.lockfile === undefined
        ? { manifests: ['package.json'], install: 'npm install --no-audit --no-fund', installProd: 'npm install --omit=dev --no-audit --no-fund', cache: '/root/.npm' }
        : { manifests: ['package.json', ...lock], install: 'npm ci --no-audit --no-fund', installProd: 'npm ci --omit=dev --no-audit --no-fund', cache: '/root/.npm' };
    case 'yarn':
      return {
        manifests: ['package.json', ...lock],
        setup: corepackSetup(app, 'yarn@1'),
        install: 'yarn install --frozen-lockfile',
        installProd: 'yarn install --frozen-lockfile --production',
        cache: '/usr/local/share/.cache/yarn',
      };
    case 'yarn-berry':
      return {
        manifests: ['package.json', ...lock, ...(app.yarnConfig ?? []).filter((f) => !f.includes('/'))],
        setup: ['corepack enable'],
        install: 'yarn install --immutable',
        installProd: 'yarn workspaces focus --all --production',
        cache: '/root/.yarn/berry/cache',
      };
    case 'pnpm':
      return {
        manifests: ['package.json', ...lock],
        setup: corepackSetup(app, `pnpm@${pnpmMajorFor(app.pnpmLockfileMajor)}`),
        install: 'pnpm install --frozen-lockfile --store-dir /pnpm/store',
        installProd: 'pnpm install --frozen-lockfile --prod --store-dir /pnpm/store',
        cache: '/pnpm/store',
      };
    case 'bun':
      return { manifests: ['package.json', ...lock], install: 'bun install --frozen-lockfile', installProd: 'bun install --frozen-lockfile --production', cache: '/root/.bun/install/cache' };
  }
}

/**
 * What Next's standalone trace copies that a standalone server never loads. The trace is static: it follows
 * every `require` the server's modules could reach, including the AMP validator (`next dev` and the build's export
 * step are its only users), and sharp with its libvips binaries, which only `/_next/image` loads. Paths are under `.next/standalone/node_modules`, for npm/yarn and pnpm layouts.
 */
export function nextStandalonePrune(app: NodeApp): { paths: string[]; why: string[] } {
  const nextDist = app.packageManager === 'pnpm' ? '.pnpm/next@*/node_modules/next/dist' : 'next/dist';
  // only the AMP validator: Next's dev server, also traced, is required at load time by the production router
  const paths = [`${nextDist}/compiled/amphtml-validator`];
  const why = ["Next's standalone trace keeps files a production server never loads: the AMP validator (~4 MB; only next dev and the build use it)."];
  if (app.nextImageOptimization) {
    why.push('sharp stays: the app imports next/image, and /_next/image resizes with it.');
  } else {
    paths.push(...(app.packageManager === 'pnpm' ? ['.pnpm/sharp@*', '.pnpm/@img+*'] : ['sharp', '@img']));
    why.push('sharp and libvips (~17 MB) go too: no source imports next/image (or images are unoptimized / use a custom loader),', 'so /_next/image never runs; import next/image and re-run shipshape init to keep them.');
  }
  return { paths, why };
}

/** Project files the start script's node options load (`--require ./tracing.js`), relative to the app directory. */
export function localPreloads(app: NodeApp): string[] {
  return preloadsOf(app.nodeOptions ?? [])
    .filter((value) => /^\.{1,2}\//.test(value))
    .map((value) => value.replace(/^\.\//, ''));
}

/**
 * What a built app runs from outside the build output, relative to the app directory: the entry (`node server.js`
 * that requires `./dist/app.js`, `main: lib/index.js`) and the files the start script preloads. The runtime copies
 * them from the build stage, which holds the sources and whatever the build wrote; paths out of the app, and
 * node_modules (the dependencies' stage), are not copied.
 */
export function outsideBuildOutput(app: NodeApp): string[] {
  const inOutput = (path: string): boolean => path === app.outDir || path.startsWith(`${app.outDir}/`);
  const copied = (path: string): boolean => !inOutput(path) && !path.split('/').includes('..') && !path.startsWith('/') && path.split('/')[0] !== 'node_modules';
  return [...new Set([app.entry, ...localPreloads(app)])].filter(copied);
}

/** `NAME=value` for ENV, quoted when the value holds what the Dockerfile would split or expand. */
function envPair(name: string, value: string): string {
  return `${name}=${/^[\w./:@%+,-]*$/.test(value) ? value : JSON.stringify(value)}`;
}

function runScript(app: NodeApp): string {
  return app.packageManager === 'npm' ? 'npm run build' : app.packageManager === 'bun' ? 'bun run build' : `${app.packageManager === 'yarn-berry' ? 'yarn' : app.packageManager} run build`;
}

/**
 * The build script of a workspace member, run from the workspace root: npm names the member's folder, pnpm selects
 * it by folder, yarn (classic and berry) and bun by package name.
 */
function runMemberScript(app: NodeApp, member: string, name: string): string {
  switch (app.packageManager) {
    case 'npm':
      return `npm run build --workspace ${member}`;
    case 'pnpm':
      return `pnpm --filter ./${member} run build`;
    case 'yarn':
    case 'yarn-berry':
      return `yarn workspace ${name} run build`;
    case 'bun':
      return `bun run --filter ${name} build`;
  }
}

export function nodeDockerfile(app: NodeApp, w: DockerfileWriter): { runtime: string } {
  const major = app.nodeMajor ?? defaultNodeMajor;
  const bun = app.packageManager === 'bun';
  const builder = bun ? 'oven/bun:1-debian' : `node:${major}-bookworm-slim`;
  const builderWhy = bun ? ['Builder: Bun on Debian, to install with the bun lockfile.'] : [`Builder: Node ${major} on Debian 12 slim: the same glibc as the runtime, so native modules load there.`];
  const m = managerOf(app);
  // npm, yarn and pnpm run the root's prepare after installing: a development hook (husky, a build on install) that
  // fails here, with no sources yet and (for the runtime) no dev dependencies; the build script runs below instead
  const setup = [...(m.setup ?? []), ...(app.prepareScript === true && !bun ? ['npm pkg delete scripts.prepare'] : [])];
  const cache = [{ target: m.cache, ...(app.packageManager === 'pnpm' ? { id: 'pnpm' } : {}) }];
  const needDeps = app.hasDependencies && !app.nextStandalone;

  const ws = app.workspace;
  // a workspace member: the workspace root is the context; every member's package.json (and pnpm's member list) goes
  // in before the install (the package manager links them), and npm's install and build name the member
  // npm looks for a newer npm on the registry (a packument download, an upgrade notice in the log) whenever its cache
  // holds no record of a check, which is every RUN without the cache mount; the image runs node on a node_modules
  // tree, and yarn berry's default Plug'n'Play linker writes none
  let notifierExplained = false;
  const builderEnv = (): void => {
    const env = [...(bun ? [] : ['NPM_CONFIG_UPDATE_NOTIFIER=false']), ...(app.yarnPnp === true ? ['YARN_NODE_LINKER=node-modules'] : [])];
    if (env.length === 0) return;
    if (!bun && !notifierExplained) {
      notifierExplained = true;
      w.comment("npm's update check is off: it would download npm's registry entry in every RUN the npm cache is not mounted in.");
    }
    w.instruction('ENV', env.join(' '));
  };
  const copyManifests = (): void => {
    w.copy(ws?.file === undefined ? m.manifests : [...m.manifests, ws.file], './');
    for (const member of ws?.members ?? []) w.copy([`${member}/package.json`], `./${member}/`);
    // yarn berry's release, plugins and patches: folders keep their place (COPY of a folder copies its contents)
    for (const folder of (app.yarnConfig ?? []).filter((f) => f.includes('/'))) w.copy([folder], `./${folder}/`);
  };
  let explained = false;
  const explainPrepare = (): void => {
    if (explained || app.prepareScript !== true || bun) return;
    explained = true;
    w.comment("package.json's prepare script (git hooks, a build on install) is removed before installing: the install runs it with no sources and no dev dependencies.");
  };
  const only = ws === undefined || app.packageManager !== 'npm' ? '' : ` --workspace ${ws.member}`;
  // the workspace libraries the app depends on that have a build of their own: built first, in dependency order
  const libraries = ws?.built ?? [];
  const build = app.build || libraries.length > 0;

  if (needDeps) {
    w.from(builder, 'deps', [...builderWhy, 'Stage deps: production dependencies only, reused until a manifest or the lockfile changes.']);
    w.instruction('WORKDIR', '/app');
    builderEnv();
    copyManifests();
    explainPrepare();
    w.run([...setup, `${m.installProd}${only}`], cache);
  }
  if (build) {
    w.from(builder, 'build', [...(needDeps ? [] : builderWhy), 'Stage build: all dependencies (dev included), then the sources and the build script.']);
    w.instruction('WORKDIR', '/app');
    builderEnv();
    copyManifests();
    explainPrepare();
    w.run([...setup, m.install], cache);
    w.copy(['.'], '.');
    if (app.nextStandalone) {
      const prune = nextStandalonePrune(app);
      w.comment(...prune.why);
      w.run([runScript(app), `rm -rf ${prune.paths.map((p) => `.next/standalone/node_modules/${p}`).join(' ')}`]);
    } else if (ws !== undefined) {
      if (libraries.length > 0) w.comment(`Workspace libraries the app imports are built first: ${libraries.map((l) => l.member).join(', ')}.`);
      w.run([...libraries.map((l) => runMemberScript(app, l.member, l.name ?? l.member)), ...(app.build ? [runMemberScript(app, ws.member, app.name)] : [])]);
    } else {
      w.run([`${runScript(app)}${only}`]);
    }
  }

  let runtime: string;
  let node: string[];
  if (bun) {
    runtime = 'oven/bun:1-distroless';
    w.from(runtime, undefined, ['Runtime: Bun on distroless: no shell, no package manager.']);
    node = ['bun'];
  } else if (distrolessNode.has(major)) {
    runtime = `gcr.io/distroless/nodejs${major}-debian12:nonroot`;
    w.from(runtime, undefined, [
      `Runtime: distroless Node ${major}: glibc, libstdc++, CA certificates and node only (no shell, no npm),`,
      `about 130 MB smaller than node:${major} and with a fraction of its CVEs. Alpine is not used: musl breaks some native modules.`,
    ]);
    node = ['/nodejs/bin/node'];
  } else {
    runtime = `node:${major}-bookworm-slim`;
    w.from(runtime, undefined, [`Runtime: Node ${major} slim: distroless publishes no Node ${major} image for Debian 12.`]);
    node = ['node'];
  }
  w.instruction('WORKDIR', '/app');
  w.instruction('ENV', ['NODE_ENV=production', ...Object.entries(app.env ?? {}).map(([name, value]) => envPair(name, value))].join(' '));
  if (app.nextStandalone) {
    w.instruction('ENV', `HOSTNAME=0.0.0.0 PORT=${app.port ?? 3000}`);
    w.copy(['/app/.next/standalone'], './', { from: 'build' });
    w.copy(['/app/.next/static'], './.next/static', { from: 'build' });
    if (app.hasPublicDir) w.copy(['/app/public'], './public', { from: 'build' });
  } else if (ws !== undefined) {
    // the whole deps tree: node_modules at the root and in members (npm nests a member's conflicting versions),
    // with the links to the members; then every member's sources, and what the build stage wrote: the output of the
    // libraries the app loads, and the app's (a checkout holds neither)
    if (needDeps) w.copy(['/app'], './', { from: 'deps' });
    w.copy(['.'], '.');
    for (const library of libraries.filter((l) => l.runtime)) w.copy([`/app/${library.member}/${library.outDir}`], `./${library.member}/${library.outDir}`, { from: 'build' });
    if (app.build) {
      w.copy([`/app/${ws.member}/${app.outDir}`], `./${ws.member}/${app.outDir}`, { from: 'build' });
      // the sources are here already; an entry or preload outside the output may be one the build writes
      for (const file of outsideBuildOutput(app)) w.copy([`/app/${ws.member}/${file}`], `./${ws.member}/${file}`, { from: 'build' });
    }
    w.instruction('WORKDIR', `/app/${ws.member}`);
  } else {
    if (needDeps) w.copy(['/app/node_modules'], './node_modules', { from: 'deps' });
    if (app.build) {
      // package.json tells node whether .js files are ES modules ("type")
      w.copy(['package.json'], './');
      w.copy([`/app/${app.outDir}`], `./${app.outDir}`, { from: 'build' });
      // the entry and the files the start script preloads, when the build output does not hold them
      const outside = outsideBuildOutput(app);
      if (outside.length > 0) w.comment(`Run from outside ${app.outDir}, so copied by name from the build stage: ${outside.join(', ')}.`, `A file they require from outside ${app.outDir} needs a COPY of its own.`);
      for (const file of outside) w.copy([`/app/${file}`], `./${file}`, { from: 'build' });
    } else {
      w.copy(['.'], '.');
    }
  }
  runtimeTail(w, app.port);
  // the start script's node options stay with node; CMD is the script and its arguments (what docker run replaces)
  w.instruction('ENTRYPOINT', execForm([...node, ...(app.nodeOptions ?? [])]));
  w.instruction('CMD', execForm([app.entry, ...(app.args ?? [])]));
  return { runtime };
}

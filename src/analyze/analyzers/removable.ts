/**
 * Content never needed at runtime, by category: each visible file is claimed by the first category that
 * matches it, so no byte is counted twice. Every category names the Dockerfile change that removes it.
 */
import { z } from 'zod';
import type { FileEntry, FileResolver } from '../../fs/index.js';
import { parentOf } from '../../fs/index.js';
import type { Digest, ImageConfig } from '../../image/types.js';
import { counted } from '../../internal/display-text.js';
import { defineAnalyzer, type Evidence, type Finding, type Unknown } from '../types.js';

export type CategoryId =
  | 'dev-dependencies'
  | 'package-manager-cache'
  | 'vcs'
  | 'dependency-tests'
  | 'build-toolchain'
  | 'docs'
  | 'source-maps'
  | 'ci-and-editor';

export interface CategoryFacts {
  id: CategoryId;
  title: string;
  files: number;
  bytes: number;
  /** Largest groups (a cache folder, a package, a directory of maps), at most 10. */
  top: { path: string; files: number; bytes: number; layer: number; layerDigest: Digest | undefined }[];
  fix: string;
}

export interface RemovableFacts {
  categories: CategoryFacts[];
  /** Bytes and files all categories together would remove. */
  bytes: number;
  files: number;
  /** Bytes all categories together hold, per layer that holds any (by layer index). */
  byLayer: { layer: number; bytes: number }[];
}

interface Rule {
  id: CategoryId;
  title: string;
  fix: string;
  /** Each pattern's match (index 0) is the group a file is reported under. */
  patterns: RegExp[];
  /**
   * True for every path one of the patterns can match (a prefix or part they all require), so that the patterns
   * run only on the few paths that pass: most files of an image match no rule.
   */
  mayMatch: (path: string) => boolean;
}

const home = String.raw`(?:/root|/home/[^/]+)`;

const rules: Rule[] = [
  {
    id: 'package-manager-cache',
    mayMatch: (p) => p.startsWith('/var/') || p.startsWith('/root/') || p.startsWith('/home/') || p.startsWith('/usr/local/') || p.startsWith('/go/'),
    title: 'package-manager caches',
    fix: 'clean caches in the RUN that fills them (`apt-get install … && rm -rf /var/lib/apt/lists/*`, `npm ci && npm cache clean --force`, `pip install --no-cache-dir`) or mount them: `RUN --mount=type=cache,target=/root/.npm npm ci`',
    patterns: [
      /^\/var\/lib\/apt\/lists(?=\/)/,
      /^\/var\/cache\/(?:apt|apk|yum|dnf|zypp)(?=\/)/,
      new RegExp(String.raw`^${home}/\.npm(?=/)`),
      new RegExp(String.raw`^${home}/\.cache/(?:pip|yarn|pnpm|go-build|node-gyp|npm|pypoetry|ms-playwright-go)(?=/)`),
      new RegExp(String.raw`^${home}/\.(?:m2/repository|cargo/registry|cargo/git|gradle/caches|yarn/berry/cache|yarn/cache|local/share/pnpm/store)(?=/)`),
      /^\/usr\/local\/share\/\.cache\/yarn(?=\/)/,
      /^\/usr\/local\/cargo\/(?:registry|git)(?=\/)/,
      /^\/(?:go|root\/go)\/pkg\/mod(?=\/)/,
    ],
  },
  {
    id: 'vcs',
    mayMatch: (p) => p.includes('/.'),
    title: 'version-control folders',
    fix: 'add `.git` (and `.svn`, `.hg`) to `.dockerignore`; COPY only what the app needs',
    patterns: [/^.*?\/\.(?:git|svn|hg|bzr)(?=\/)/],
  },
  {
    id: 'dependency-tests',
    mayMatch: (p) => p.includes('/node_modules/') || p.includes('-packages/'),
    title: 'tests, examples and docs inside dependencies',
    fix: 'prune them after installing: `RUN npm ci --omit=dev && find node_modules -type d \\( -name test -o -name tests -o -name __tests__ -o -name example -o -name examples \\) -prune -exec rm -rf {} +`',
    patterns: [
      /^.*\/node_modules\/(?:@[^/]+\/)?[^/]+\/(?:test|tests|__tests__|spec|example|examples|docs|doc|benchmark|benchmarks|\.github)(?=\/)/,
      /^.*\/(?:site|dist)-packages\/[^/]+\/tests?(?=\/)/,
    ],
  },
  {
    id: 'build-toolchain',
    mayMatch: (p) => p.startsWith('/usr/') || p.startsWith('/lib') || p.startsWith('/local/') || p.startsWith('/opt/'),
    title: 'build toolchains (compilers, headers, static libraries, SDKs, Python where nothing runs it)',
    fix: 'build in a stage `FROM … AS build` and copy only its output into a runtime stage without compilers or interpreters it does not run (`COPY --from=build /app/out /app`); use a JRE, not a JDK, to run Java',
    patterns: [
      /^\/usr\/(?:lib|libexec)\/gcc(?=\/)/,
      /^\/usr\/(?:local\/)?include(?=\/)/,
      /^\/usr\/bin\/(?:[a-z0-9_]+-linux-gnu-)?(?:gcc|g\+\+|cc|c\+\+|cpp|make|ld|ld\.bfd|ld\.gold|as|ar|gfortran|clang|clang\+\+)(?:-\d+)?$/,
      /^\/(?:usr\/)?(?:local\/)?lib(?:64)?\/(?:[^/]+\/)*[^/]+\.a$/,
      /^\/usr\/local\/go(?=\/)/,
      /^\/usr\/lib\/go-[0-9.]+(?=\/)/,
      /^(?:\/usr\/lib\/jvm|\/opt\/java)\/[^/]+\/(?:jmods|include|lib\/src\.zip)(?=\/|$)/,
      /^(?:\/usr\/lib\/jvm|\/opt\/java)\/[^/]+\/bin\/(?:javac|jar|jlink|jdeps|javadoc|jshell|jpackage)$/,
    ],
  },
  {
    id: 'docs',
    mayMatch: (p) => p.startsWith('/usr/'),
    title: 'docs, man pages, info and locales',
    fix: 'keep dpkg from installing them (`/etc/dpkg/dpkg.cfg.d/excludes`: `path-exclude /usr/share/doc/*`, man, info, locale) and use `--no-install-recommends`, or `rm -rf /usr/share/doc /usr/share/man /usr/share/info` in the same RUN; distroless and slim bases ship none',
    patterns: [/^\/usr\/(?:local\/)?share\/(?:doc|man|info|gtk-doc|help|lintian|linda)(?=\/)/, /^\/usr\/share\/locale(?=\/)/],
  },
  {
    id: 'source-maps',
    mayMatch: (p) => p.endsWith('.map'),
    title: 'source maps and TypeScript sources beside compiled output',
    fix: 'compile in a build stage and copy only the output (`COPY --from=build /app/dist ./dist`); add `**/*.map` and `src/` to `.dockerignore` or disable `sourceMap` for production builds',
    patterns: [/^.*\/(?=[^/]+\.(?:js|mjs|cjs|css)\.map$)/],
  },
  {
    id: 'ci-and-editor',
    mayMatch: (p) => p.includes('/.') || p.includes('/Jenkinsfile') || p.includes('/eslint.config.') || p.includes('/Dockerfile') || p.includes('/docker-compose') || p.includes('/compose.'),
    title: 'CI and editor files',
    fix: 'add them to `.dockerignore` (`.github`, `.gitlab-ci.yml`, `.vscode`, `.idea`, `Dockerfile*`, `.git*`, `.editorconfig`, lint configs)',
    patterns: [
      /^.*?\/\.(?:github|gitlab|circleci|vscode|idea|husky|devcontainer|buildkite)(?=\/)/,
      /^.*\/(?:\.gitlab-ci\.yml|\.travis\.yml|Jenkinsfile|\.editorconfig|\.eslintrc(?:\.[a-z]+)?|eslint\.config\.[cm]?js|\.prettierrc(?:\.[a-z]+)?|\.dockerignore|Dockerfile(?:\.[A-Za-z0-9_-]+)?|docker-compose(?:\.[a-z]+)?\.ya?ml|compose\.ya?ml|\.gitignore|\.gitattributes|\.npmignore|\.nvmrc)$/,
    ],
  },
];

/** Every category, in the order the report lists them before sorting by bytes. */
export const categoryIds: readonly CategoryId[] = ['dev-dependencies', ...rules.map((r) => r.id)];

const titles: Record<CategoryId, string> = Object.fromEntries(rules.map((r) => [r.id, r.title])) as Record<CategoryId, string>;
titles['dev-dependencies'] = 'devDependencies in node_modules';
const devFix = 'install dev dependencies only in a build stage; in the runtime stage `RUN npm ci --omit=dev` (or `npm prune --omit=dev` after building)';

const lockSchema = z.looseObject({
  packages: z.record(z.string(), z.looseObject({ dev: z.boolean().optional(), devOptional: z.boolean().optional() })).optional(),
});
const packageJsonSchema = z.looseObject({ devDependencies: z.record(z.string(), z.string()).optional(), dependencies: z.record(z.string(), z.string()).optional() });

/** Files whose bytes this analyzer reads: lockfiles and manifests of apps (not of each dependency). */
export function wantsBody(path: string): boolean {
  if (path.endsWith('/node_modules/.package-lock.json')) return true;
  if (path.includes('/node_modules/')) return false;
  return path.endsWith('/package-lock.json') || path.endsWith('/npm-shrinkwrap.json') || path.endsWith('/package.json');
}

function parseJson(body: Buffer): unknown {
  return JSON.parse(body.toString('utf8'));
}

/** Package directories installed only as devDependencies, from npm lockfiles (their `dev` flags), else package.json. */
function devPackageDirs(visible: readonly FileEntry[], fs: FileResolver, unknowns: Unknown[]): Set<string> {
  const dirs = new Set<string>();
  const lockRoots = new Set<string>();
  const lockfiles: FileEntry[] = [];
  const manifests: FileEntry[] = [];
  for (const e of visible) {
    if (e.type !== 'file' || !e.path.endsWith('.json')) continue;
    const path = e.path;
    if (path.endsWith('/node_modules/.package-lock.json')) lockfiles.push(e);
    else if (path.includes('/node_modules/')) continue;
    else if (path.endsWith('/package-lock.json') || path.endsWith('/npm-shrinkwrap.json')) lockfiles.push(e);
    else if (path.endsWith('/package.json')) manifests.push(e);
  }
  for (const e of lockfiles) {
    const body = fs.body(e.path);
    if (!body) continue;
    // the hidden lockfile lives in node_modules; its keys are relative to the project folder above it
    const isHidden = e.path.endsWith('/node_modules/.package-lock.json');
    const root = isHidden ? parentOf(parentOf(e.path)) : parentOf(e.path);
    try {
      const lock = lockSchema.parse(parseJson(body));
      for (const [key, value] of Object.entries(lock.packages ?? {})) {
        if (key === '' || value.dev !== true) continue;
        dirs.add(root === '/' ? `/${key}` : `${root}/${key}`);
      }
      lockRoots.add(root);
    } catch (error) {
      unknowns.push({ path: e.path, message: `unreadable lockfile: ${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}` });
    }
  }
  for (const e of manifests) {
    const root = parentOf(e.path);
    if (lockRoots.has(root)) continue;
    const body = fs.body(e.path);
    if (!body) continue;
    try {
      const pkg = packageJsonSchema.parse(parseJson(body));
      const prod = new Set(Object.keys(pkg.dependencies ?? {}));
      for (const name of Object.keys(pkg.devDependencies ?? {})) {
        if (!prod.has(name)) dirs.add(`${root === '/' ? '' : root}/node_modules/${name}`);
      }
    } catch (error) {
      unknowns.push({ path: e.path, message: `unreadable package.json: ${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}` });
    }
  }
  return dirs;
}

/** The package folder a path under node_modules belongs to (`/app/node_modules/@s/p`), innermost first. */
function* packageDirsOf(path: string): Generator<string> {
  let i = path.lastIndexOf('/node_modules/');
  while (i >= 0) {
    const rest = path.slice(i + '/node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : rest[0] ?? '';
    yield `${path.slice(0, i)}/node_modules/${name}`;
    i = path.lastIndexOf('/node_modules/', i - 1);
  }
}

const pythonPattern = /^\/usr\/(?:local\/)?(?:lib\/python3(?:\.\d+)?(?=\/)|bin\/python3(?:\.\d+)?$|lib\/[^/]+-linux-gnu\/libpython3[^/]*$)/;

/**
 * Python counts as a toolchain when the image ships an interpreter but nothing runs Python: no `.py` file outside
 * Python's own folders, and no `python` in the entrypoint or command (node-gyp and build scripts pull it in).
 */
function pythonUnused(visible: readonly FileEntry[], config: ImageConfig): boolean {
  const command = [...(config.config?.Entrypoint ?? []), ...(config.config?.Cmd ?? [])].join(' ');
  if (/python|gunicorn|uvicorn|flask|django/.test(command)) return false;
  let interpreter = false;
  for (const e of visible) {
    // pythonPattern only matches under /usr/
    if (e.path.startsWith('/usr/') && pythonPattern.test(e.path)) interpreter = true;
    else if (e.path.endsWith('.py') && !/^\/usr\/(?:local\/)?(?:lib|share)\//.test(e.path) && !e.path.includes('/node_modules/')) return false;
  }
  return interpreter;
}

function runsTypeScript(config: ImageConfig): boolean {
  const command = [...(config.config?.Entrypoint ?? []), ...(config.config?.Cmd ?? [])].join(' ');
  return /\b(?:ts-node|tsx|deno|bun)\b|--experimental-strip-types|--experimental-transform-types/.test(command);
}

interface Group {
  files: number;
  bytes: number;
  byLayer: Map<number, number>;
}

export const removableAnalyzer = defineAnalyzer<RemovableFacts>({
  id: 'removable',
  description: 'content never needed at runtime, by category, with the Dockerfile change that removes it',
  analyze({ image, files, visible, layerDigest }) {
    const fs = files.squashed;
    const unknowns: Unknown[] = [];
    const devDirs = devPackageDirs(visible, fs, unknowns);
    const keepTs = runsTypeScript(image.config);
    const unusedPython = pythonUnused(visible, image.config);
    const groups = new Map<CategoryId, Map<string, Group>>();
    const claim = (id: CategoryId, group: string, e: FileEntry): void => {
      let byGroup = groups.get(id);
      if (!byGroup) groups.set(id, (byGroup = new Map<string, Group>()));
      let g = byGroup.get(group);
      if (!g) byGroup.set(group, (g = { files: 0, bytes: 0, byLayer: new Map() }));
      g.files += 1;
      g.bytes += e.size;
      g.byLayer.set(e.layer, (g.byLayer.get(e.layer) ?? 0) + e.size);
    };
    const devDir = (path: string): string | undefined => {
      for (const dir of packageDirsOf(path)) if (devDirs.has(dir)) return dir;
      return undefined;
    };
    for (const e of visible) {
      if (e.type === 'dir') continue;
      const path = e.path;
      if (devDirs.size > 0 && path.includes('/node_modules/')) {
        const dir = devDir(path);
        if (dir) {
          claim('dev-dependencies', dir, e);
          continue;
        }
      }
      if (unusedPython && path.startsWith('/usr/')) {
        const m = pythonPattern.exec(path);
        if (m) {
          claim('build-toolchain', m[0], e);
          continue;
        }
      }
      let claimed = false;
      for (const rule of rules) {
        if (!rule.mayMatch(path)) continue;
        for (const pattern of rule.patterns) {
          const m = pattern.exec(path);
          if (!m) continue;
          claim(rule.id, m[0].replace(/\/$/, '') || path, e);
          claimed = true;
          break;
        }
        if (claimed) break;
      }
      if (claimed || keepTs || !(path.endsWith('ts') || path.endsWith('tsx'))) continue;
      // TypeScript sources: outside node_modules an image runs compiled JS; inside, only beside their .js
      const ts = /^(.*)\.(?:ts|tsx|mts|cts)$/.exec(path);
      if (ts && !/\.d\.[mc]?ts$/.test(path)) {
        const inDeps = path.includes('/node_modules/');
        if (!inDeps || fs.get(`${ts[1] ?? ''}.js`)) claim('source-maps', parentOf(path), e);
      }
    }
    const order = categoryIds;
    const fixes: Record<CategoryId, string> = { ...(Object.fromEntries(rules.map((r) => [r.id, r.fix])) as Record<CategoryId, string>), 'dev-dependencies': devFix };
    const categories: CategoryFacts[] = [];
    for (const id of order) {
      const byGroup = groups.get(id);
      if (!byGroup) continue;
      const top = [...byGroup.entries()]
        .sort((a, b) => b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : 1))
        .slice(0, 10)
        .map(([path, g]) => {
          const layer = [...g.byLayer.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? -1;
          return { path, files: g.files, bytes: g.bytes, layer, layerDigest: layerDigest(layer) };
        });
      const all = [...byGroup.values()];
      categories.push({ id, title: titles[id], files: all.reduce((s, g) => s + g.files, 0), bytes: all.reduce((s, g) => s + g.bytes, 0), top, fix: fixes[id] });
    }
    categories.sort((a, b) => b.bytes - a.bytes);
    const findings: Finding[] = categories.filter((c) => c.bytes > 0).map((c) => ({
      id: `removable/${c.id}`,
      severity: 'warning',
      message: `${c.title}: ${counted(c.files, 'file')}, ${counted(c.bytes, 'byte')} not needed at runtime`,
      bytes: c.bytes,
      fix: c.fix,
      evidence: c.top.slice(0, 5).map((t): Evidence => ({ layer: t.layer, ...(t.layerDigest ? { layerDigest: t.layerDigest } : {}), path: t.path, bytes: t.bytes })),
    }));
    const perLayer = new Map<number, number>();
    for (const byGroup of groups.values()) for (const g of byGroup.values()) for (const [layer, b] of g.byLayer) perLayer.set(layer, (perLayer.get(layer) ?? 0) + b);
    const byLayer = [...perLayer.entries()].sort((a, b) => a[0] - b[0]).map(([layer, b]) => ({ layer, bytes: b }));
    return {
      facts: { categories, bytes: categories.reduce((s, c) => s + c.bytes, 0), files: categories.reduce((s, c) => s + c.files, 0), byLayer },
      findings,
      unknowns,
    };
  },
});

/**
 * npm packages: installed ones from `node_modules/**\/package.json`, and — where no `node_modules` sits beside it —
 * the packages a `package-lock.json` (lockfileVersion 2 and 3) or `npm-shrinkwrap.json` pins (a project directory).
 */
import { PackageURL } from 'packageurl-js';
import { z } from 'zod';
import type { FileResolver } from '../../../fs/index.js';
import { issueField } from '../../../internal/zod-issues.js';
import { type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import type { Package } from '../../model.js';

const name = 'npm-package-cataloger';
const installed = /\/node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;
const lockfile = /\/(?:package-lock|npm-shrinkwrap)\.json$/;

/** A lockfile's `packages`, each entry checked on its own: one odd entry is an unknown, not the loss of the file. */
const lockSchema = z.looseObject({ lockfileVersion: z.unknown(), packages: z.record(z.string(), z.unknown()).optional() });
const lockEntrySchema = z.looseObject({
  name: z.string().optional(),
  version: z.string().optional(),
  license: z.unknown().optional(),
  dev: z.boolean().optional(),
  link: z.boolean().optional(),
  resolved: z.unknown().optional(),
});

interface Manifest {
  name?: unknown;
  version?: unknown;
  license?: unknown;
  licenses?: unknown;
  private?: unknown;
  dependencies?: unknown;
  optionalDependencies?: unknown;
  peerDependencies?: unknown;
  peerDependenciesMeta?: unknown;
}

/** The dependencies a package.json or lockfile entry names: those it cannot work without, and optional ones. */
interface Wanted {
  required: string[];
  optional: string[];
}

/**
 * `dependencies`, `optionalDependencies` and `peerDependencies` (npm 7+ installs peers), by name. An optional one
 * (`optionalDependencies`, or a peer `peerDependenciesMeta` marks optional) may rightly be absent, as a platform's
 * binary package is on the others; a required one that is absent leaves the package's dependencies unknown.
 */
export function wantedDependencies(m: Manifest): Wanted {
  const names = (v: unknown): string[] => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : []);
  const meta = typeof m.peerDependenciesMeta === 'object' && m.peerDependenciesMeta !== null ? (m.peerDependenciesMeta as Record<string, unknown>) : {};
  const optionalPeer = (n: string): boolean => {
    const entry = meta[n];
    return typeof entry === 'object' && entry !== null && (entry as { optional?: unknown }).optional === true;
  };
  const optional = new Set([...names(m.optionalDependencies), ...names(m.peerDependencies).filter(optionalPeer)]);
  const required = new Set([...names(m.dependencies), ...names(m.peerDependencies)].filter((n) => !optional.has(n)));
  return { required: [...required].sort(), optional: [...optional].sort() };
}

/**
 * Where Node finds `name` from a package folder (`a/node_modules/b`): in `node_modules` of that folder, then of each
 * folder above it, skipping folders that are themselves `node_modules`. Absolute paths of an image, or a lockfile's
 * relative keys (`''` is the project).
 */
function lookupFolders(dir: string, name: string): string[] {
  const root = dir.startsWith('/') ? '/' : '';
  const parts = dir.split('/').filter((p) => p !== '');
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i -= 1) {
    if (i > 0 && parts[i - 1] === 'node_modules') continue;
    out.push(`${root}${[...parts.slice(0, i), 'node_modules', name].join('/')}`);
  }
  return out;
}

/** Depends-on edges from each package to the package each wanted name resolves to; known when every required one does. */
function link(out: ResultBuilder, wants: Map<Package, { dir: string; wanted: Wanted }>, find: (path: string) => Package | undefined): void {
  for (const [pkg, { dir, wanted }] of wants) {
    const targets = new Set<string>();
    let complete = true;
    for (const [names, required] of [[wanted.required, true], [wanted.optional, false]] as const) {
      for (const n of names) {
        const target = lookupFolders(dir, n).map(find).find((p) => p !== undefined);
        if (target === undefined) complete &&= !required;
        else if (target !== pkg) targets.add(target.id);
      }
    }
    for (const to of [...targets].sort()) out.relationships.push({ from: pkg.id, to, type: 'depends-on' });
    if (complete) pkg.dependenciesKnown = true;
  }
}

/** `license` as npm writes it: an SPDX expression string, `{ type }`, or a legacy `licenses` array. */
export function manifestLicenses(m: Manifest): string[] {
  const one = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string' ? (v as { type: string }).type : undefined;
  const direct = one(m.license);
  if (direct) return [direct];
  if (Array.isArray(m.licenses)) return m.licenses.map(one).filter((x): x is string => x !== undefined);
  return [];
}

function purlOf(pkgName: string, version: string): string {
  const slash = pkgName.startsWith('@') ? pkgName.indexOf('/') : -1;
  const namespace = slash > 0 ? pkgName.slice(0, slash) : undefined;
  const short = slash > 0 ? pkgName.slice(slash + 1) : pkgName;
  return new PackageURL('npm', namespace, short, version, undefined, undefined).toString();
}

function packageFiles(files: FileResolver, dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    for (const child of files.children(path)) {
      if (child.type === 'dir') {
        if (!child.path.endsWith('/node_modules')) walk(child.path);
      } else if (child.type === 'file' || child.type === 'symlink' || child.type === 'hardlink') {
        out.push(child.path);
      }
    }
  };
  walk(dir);
  return out;
}

function make(files: FileResolver, pkgName: string, version: string, location: string, licenses: string[], owned: string[], dev: boolean | undefined): Package {
  const entry = files.get(location);
  return {
    id: packageId('npm', pkgName, version, location),
    type: 'npm',
    name: pkgName,
    version,
    purl: purlOf(pkgName, version),
    licenses,
    cpes: [],
    foundBy: name,
    locations: [location],
    layer: entry && entry.layer >= 0 ? entry.layer : undefined,
    files: owned,
    metadata: dev === undefined ? {} : { dev },
  };
}

export const npmPackageCataloger: Cataloger = {
  name,
  wants: (path) => installed.test(path) || lockfile.test(path),
  catalog(files): CatalogResult {
    const out = new ResultBuilder(name);
    // installed packages by the folder that holds their package.json, and what each one wants
    const installedAt = new Map<string, Package>();
    const installedWants = new Map<Package, { dir: string; wanted: Wanted }>();
    for (const entry of files.entries()) {
      if (entry.type !== 'file') continue;
      if (installed.test(entry.path)) {
        const body = files.body(entry.path);
        if (!body) continue;
        out.guard(entry.path, () => {
          const m = JSON.parse(body.toString('utf8')) as Manifest | null;
          if (typeof m?.name !== 'string' || typeof m.version !== 'string') throw new Error('package.json without name or version');
          const dir = entry.path.slice(0, -'/package.json'.length);
          const pkg = make(files, m.name, m.version, entry.path, manifestLicenses(m), packageFiles(files, dir), undefined);
          out.packages.push(pkg);
          installedAt.set(dir, pkg);
          installedWants.set(pkg, { dir, wanted: wantedDependencies(m) });
        });
      } else if (lockfile.test(entry.path)) {
        const dir = entry.path.slice(0, entry.path.lastIndexOf('/'));
        if (files.get(`${dir}/node_modules`)?.type === 'dir') continue; // installed packages are catalogued themselves
        const body = files.body(entry.path);
        if (!body) continue;
        out.guard(entry.path, () => {
          const parsed = lockSchema.safeParse(JSON.parse(body.toString('utf8')));
          if (!parsed.success) throw new Error(`field "${issueField(parsed.error.issues[0])}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
          const lock = parsed.data;
          if (lock.packages === undefined) throw new Error(`lockfileVersion ${String(lock.lockfileVersion)} without "packages" is not supported (npm ≥ 7 writes it)`);
          // each entry's key is the folder npm installs it to (`node_modules/a/node_modules/b`), so Node's lookup
          // over the keys finds what each dependency resolves to; a link (a workspace member) stands for its target
          const atKey = new Map<string, Package>();
          const links = new Map<string, string>();
          const lockWants = new Map<Package, { dir: string; wanted: Wanted }>();
          for (const [key, raw] of Object.entries(lock.packages)) {
            if (key === '') continue;
            const entryParsed = lockEntrySchema.safeParse(raw);
            if (!entryParsed.success) {
              const issue = entryParsed.error.issues[0];
              out.unknown(entry.path, `field "${['packages', key, ...(issue?.path.map(String) ?? [])].join('.')}": ${issue?.message ?? 'invalid'}`);
              continue;
            }
            const p = entryParsed.data;
            if (p.link === true && typeof p.resolved === 'string') links.set(key, p.resolved);
            if (p.link === true || p.version === undefined) continue;
            const pkgName = p.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
            const pkg = make(files, pkgName, p.version, entry.path, manifestLicenses({ license: p.license }), [], p.dev === true);
            out.packages.push(pkg);
            atKey.set(key, pkg);
            lockWants.set(pkg, { dir: key, wanted: wantedDependencies(p) });
          }
          link(out, lockWants, (key) => atKey.get(links.get(key) ?? key));
        });
      }
    }
    link(out, installedWants, (dir) => installedAt.get(dir));
    return out;
  },
};

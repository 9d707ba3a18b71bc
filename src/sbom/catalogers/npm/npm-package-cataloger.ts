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
const lockEntrySchema = z.looseObject({ name: z.string().optional(), version: z.string().optional(), license: z.unknown().optional(), dev: z.boolean().optional(), link: z.boolean().optional() });

interface Manifest {
  name?: unknown;
  version?: unknown;
  license?: unknown;
  licenses?: unknown;
  private?: unknown;
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
    for (const entry of files.entries()) {
      if (entry.type !== 'file') continue;
      if (installed.test(entry.path)) {
        const body = files.body(entry.path);
        if (!body) continue;
        out.guard(entry.path, () => {
          const m = JSON.parse(body.toString('utf8')) as Manifest | null;
          if (typeof m?.name !== 'string' || typeof m.version !== 'string') throw new Error('package.json without name or version');
          const dir = entry.path.slice(0, -'/package.json'.length);
          out.packages.push(make(files, m.name, m.version, entry.path, manifestLicenses(m), packageFiles(files, dir), undefined));
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
          for (const [key, raw] of Object.entries(lock.packages)) {
            if (key === '') continue;
            const entryParsed = lockEntrySchema.safeParse(raw);
            if (!entryParsed.success) {
              const issue = entryParsed.error.issues[0];
              out.unknown(entry.path, `field "${['packages', key, ...(issue?.path.map(String) ?? [])].join('.')}": ${issue?.message ?? 'invalid'}`);
              continue;
            }
            const p = entryParsed.data;
            if (p.link === true || p.version === undefined) continue;
            const pkgName = p.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
            out.packages.push(make(files, pkgName, p.version, entry.path, manifestLicenses({ license: p.license }), [], p.dev === true));
          }
        });
      }
    }
    return out;
  },
};

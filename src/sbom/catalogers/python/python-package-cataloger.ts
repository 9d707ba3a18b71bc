/**
 * Python distributions: `*.dist-info/METADATA` (with `RECORD` for the files) and `*.egg-info/PKG-INFO`
 * (file or directory form, with `installed-files.txt`). Core metadata is an email-header format (PEP 566/639).
 * Dependencies are its `Requires-Dist` (an egg-info directory's `requires.txt` where it has one), met by the
 * distributions of the same site-packages folder: another environment (a venv, another interpreter) is not on the
 * same import path.
 */
import { PackageURL } from 'packageurl-js';
import type { FileResolver } from '../../../fs/index.js';
import { type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import { type Alternative, linkDependencies } from '../../dependency-graph.js';
import type { Package } from '../../model.js';
import { evaluateMarker, linuxCPython, parseRequirement, parseRequiresTxt, type Requirement } from './requirements.js';

const name = 'python-package-cataloger';
const metadataFile = /\/[^/]+\.dist-info\/METADATA$|\/[^/]+\.egg-info\/PKG-INFO$|\/[^/]+\.egg-info$/;
const recordFile = /\/[^/]+\.dist-info\/RECORD$|\/[^/]+\.egg-info\/installed-files\.txt$/;
const requiresFile = /\/[^/]+\.egg-info\/requires\.txt$/;
/** A Debian CPython's standard library (`os.py` is in every one), for the version-less `/usr/lib/python3/dist-packages`. */
const stdlib = /^\/usr\/lib\/python(3\.\d+)\/os\.py$/;

/** Header fields of a core-metadata file (continuation lines folded); the body after the blank line is ignored. */
export function parseCoreMetadata(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      const values = fields.get(last) ?? [];
      values[values.length - 1] = `${values[values.length - 1] ?? ''}\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    fields.set(last, [...(fields.get(last) ?? []), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/** PEP 503 normalised name, as purls and indexes use. */
export function normalizeName(n: string): string {
  return n.toLowerCase().replace(/[-_.]+/g, '-');
}

function ownedFiles(files: FileResolver, metaDir: string, isDistInfo: boolean): string[] {
  const recordPath = isDistInfo ? `${metaDir}/RECORD` : `${metaDir}/installed-files.txt`;
  const body = files.body(recordPath)?.toString('utf8');
  if (!body) return [];
  const base = isDistInfo ? metaDir.slice(0, metaDir.lastIndexOf('/')) : metaDir;
  const out: string[] = [];
  for (const line of body.split('\n')) {
    const rel = isDistInfo ? (line.split(',')[0] ?? '') : line.trim();
    if (!rel) continue;
    const joined = rel.startsWith('/') ? rel : `${base}/${rel}`;
    const parts: string[] = [];
    for (const seg of joined.split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') parts.pop();
      else parts.push(seg);
    }
    out.push(`/${parts.join('/')}`);
  }
  return out;
}

/**
 * The interpreter version a site-packages folder belongs to: the `pythonX.Y` its path names (`/usr/local/lib/python3.12/
 * site-packages`, a venv's `lib/python3.11/site-packages`), else, for Debian's version-less `/usr/lib/python3/
 * dist-packages`, the one standard library the image holds. Undefined when it cannot be told (or for PyPy).
 */
function pythonVersionOf(siteDir: string, stdlibs: ReadonlySet<string>): string | undefined {
  if (siteDir.includes('/pypy')) return undefined;
  const named = /\/python(\d+\.\d+)\//.exec(`${siteDir}/`)?.[1];
  if (named !== undefined) return named;
  return /^\/usr\/lib\/python3\/dist-packages$/.test(siteDir) && stdlibs.size === 1 ? [...stdlibs][0] : undefined;
}

/** The requirements that hold in the image: an environment marker that is false drops one; an unknown one keeps it. */
function requirementsOf(fields: ReadonlyMap<string, string[]>, requiresTxt: string | undefined, version: string | undefined): Alternative[][] {
  const all: Requirement[] = requiresTxt === undefined ? (fields.get('Requires-Dist') ?? []).flatMap((r) => parseRequirement(r) ?? []) : parseRequiresTxt(requiresTxt);
  const env = linuxCPython(version);
  return all.filter((r) => r.marker === undefined || evaluateMarker(r.marker, env) !== false).map((r) => [{ name: normalizeName(r.name) }]);
}

export const pythonPackageCataloger: Cataloger = {
  name,
  wants: (path) => metadataFile.test(path) || recordFile.test(path) || requiresFile.test(path),
  catalog(files): CatalogResult {
    const out = new ResultBuilder(name);
    const stdlibs = new Set<string>();
    for (const entry of files.entries()) {
      const version = stdlib.exec(entry.path)?.[1];
      if (version !== undefined) stdlibs.add(version);
    }
    // per site-packages folder: its distributions by normalised name, and what each requires
    const sites = new Map<string, Map<string, Package>>();
    const siteOf = new Map<Package, string>();
    const requires = new Map<Package, Alternative[][]>();
    for (const entry of files.entries()) {
      if (entry.type !== 'file' || !metadataFile.test(entry.path)) continue;
      const body = files.body(entry.path);
      if (!body) continue;
      out.guard(entry.path, () => {
        const fields = parseCoreMetadata(body.toString('utf8'));
        const pkgName = fields.get('Name')?.[0];
        const version = fields.get('Version')?.[0];
        if (!pkgName || !version) throw new Error('core metadata without Name or Version');
        const expression = fields.get('License-Expression')?.[0];
        const license = fields.get('License')?.[0];
        const classifiers = (fields.get('Classifier') ?? []).filter((c) => c.startsWith('License :: ')).map((c) => c.split(' :: ').pop() ?? c);
        const licenses = expression ? [expression] : license && license !== 'UNKNOWN' && !license.includes('\n') ? [license] : classifiers;
        const isDistInfo = entry.path.includes('.dist-info/');
        const metaDir = entry.path.endsWith('.egg-info') ? entry.path : entry.path.slice(0, entry.path.lastIndexOf('/'));
        const siteDir = metaDir.slice(0, metaDir.lastIndexOf('/'));
        const requiresTxt = entry.path.endsWith('/PKG-INFO') ? files.body(`${metaDir}/requires.txt`)?.toString('utf8') : undefined;
        const pkg: Package = {
          id: packageId('pypi', pkgName, version, entry.path),
          type: 'pypi',
          name: pkgName,
          version,
          purl: new PackageURL('pypi', undefined, normalizeName(pkgName), version, undefined, undefined).toString(),
          licenses,
          cpes: [],
          foundBy: name,
          locations: [entry.path],
          layer: entry.layer >= 0 ? entry.layer : undefined,
          files: entry.path.endsWith('.egg-info') ? [] : ownedFiles(files, metaDir, isDistInfo),
          metadata: { summary: fields.get('Summary')?.[0] },
        };
        out.packages.push(pkg);
        const site = sites.get(siteDir) ?? new Map<string, Package>();
        sites.set(siteDir, site);
        // two records of one name in a folder (an egg-info beside a dist-info): the first read answers for it
        if (!site.has(normalizeName(pkgName))) site.set(normalizeName(pkgName), pkg);
        siteOf.set(pkg, siteDir);
        requires.set(pkg, requirementsOf(fields, requiresTxt, pythonVersionOf(siteDir, stdlibs)));
      });
    }
    linkDependencies(out.relationships, requires, {
      byName: (alt, from) => sites.get(siteOf.get(from) ?? '')?.get(alt.name),
      byProvides: () => undefined,
    });
    return out;
  },
};

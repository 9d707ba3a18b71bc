/**
 * Python distributions: `*.dist-info/METADATA` (with `RECORD` for the files) and `*.egg-info/PKG-INFO`
 * (file or directory form, with `installed-files.txt`). Core metadata is an email-header format (PEP 566/639).
 * Dependencies are its `Requires-Dist` (an egg-info directory's `requires.txt` where it has one), met by what the
 * interpreter that imports it would import: the first distribution of that name in its site folders, in `sys.path`
 * order (environments.ts). Another environment (a venv that leaves the system out, another interpreter) is not on
 * the same import path.
 */
import { PackageURL } from 'packageurl-js';
import type { FileResolver } from '../../../fs/index.js';
import { type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import { type Alternative, linkDependencies } from '../../dependency-graph.js';
import type { Package, Relationship } from '../../model.js';
import { folderEnvironment, isVenvConfig, type PythonEnvironment, pythonEnvironments } from './environments.js';
import { evaluateMarker, linuxCPython, parseRequirement, parseRequiresTxt, type Requirement } from './requirements.js';

const name = 'python-package-cataloger';
const metadataFile = /\/[^/]+\.dist-info\/METADATA$|\/[^/]+\.egg-info\/PKG-INFO$|\/[^/]+\.egg-info$/;
const recordFile = /\/[^/]+\.dist-info\/RECORD$|\/[^/]+\.egg-info\/installed-files\.txt$/;
const requiresFile = /\/[^/]+\.egg-info\/requires\.txt$/;
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

/** What a distribution declares it requires, markers not yet evaluated. */
function declaredRequirements(fields: ReadonlyMap<string, string[]>, requiresTxt: string | undefined): Requirement[] {
  return requiresTxt === undefined ? (fields.get('Requires-Dist') ?? []).flatMap((r) => parseRequirement(r) ?? []) : parseRequiresTxt(requiresTxt);
}

/** The requirements that hold under one interpreter: an environment marker that is false drops one; an unknown one keeps it. */
function holding(requirements: readonly Requirement[], version: string | undefined): Alternative[][] {
  const env = linuxCPython(version);
  return requirements.filter((r) => r.marker === undefined || evaluateMarker(r.marker, env) !== false).map((r) => [{ name: normalizeName(r.name) }]);
}

/**
 * Links each distribution's requirements within every environment that installs into its folder (Debian's
 * version-less folder belongs to each Debian python3.X the image holds): the edges of all of them, and its
 * dependencies known only when every one of them resolves them all.
 */
function linkEnvironments(relationships: Relationship[], environments: readonly PythonEnvironment[], sites: ReadonlyMap<string, ReadonlyMap<string, Package>>, declared: ReadonlyMap<Package, { site: string; requirements: readonly Requirement[] }>): void {
  const seen = new Set<string>();
  const known = new Map<Package, boolean>();
  for (const env of environments) {
    const clauses = new Map<Package, Alternative[][]>();
    for (const [pkg, d] of declared) if (env.own.has(d.site)) clauses.set(pkg, holding(d.requirements, env.version));
    if (clauses.size === 0) continue;
    const found: Relationship[] = [];
    linkDependencies(found, clauses, {
      byName: (alt) => env.path.map((dir) => sites.get(dir)?.get(alt.name)).find((p) => p !== undefined),
      byProvides: () => undefined,
    });
    for (const r of found) {
      const key = `${r.from}\0${r.to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      relationships.push(r);
    }
    for (const pkg of clauses.keys()) {
      known.set(pkg, (known.get(pkg) ?? true) && pkg.dependenciesKnown === true);
      delete pkg.dependenciesKnown;
    }
  }
  for (const [pkg, ok] of known) if (ok) pkg.dependenciesKnown = true;
}

export const pythonPackageCataloger: Cataloger = {
  name,
  wants: (path) => metadataFile.test(path) || recordFile.test(path) || requiresFile.test(path) || isVenvConfig(path),
  catalog(files): CatalogResult {
    const out = new ResultBuilder(name);
    // per site folder: its distributions by normalised name; per distribution: its folder and what it declares
    const sites = new Map<string, Map<string, Package>>();
    const declared = new Map<Package, { site: string; requirements: Requirement[] }>();
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
        declared.set(pkg, { site: siteDir, requirements: declaredRequirements(fields, requiresTxt) });
      });
    }
    const environments = pythonEnvironments(files);
    // a folder no interpreter of the image searches is an environment of its own
    const searched = new Set(environments.flatMap((e) => [...e.own]));
    const alone = [...sites.keys()].filter((dir) => !searched.has(dir)).map(folderEnvironment);
    linkEnvironments(out.relationships, [...environments, ...alone], sites, declared);
    return out;
  },
};

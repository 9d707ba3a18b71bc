/**
 * Python distributions: `*.dist-info/METADATA` (with `RECORD` for the files) and `*.egg-info/PKG-INFO`
 * (file or directory form, with `installed-files.txt`). Core metadata is an email-header format (PEP 566/639).
 */
import { PackageURL } from 'packageurl-js';
import type { FileResolver } from '../../../fs/index.js';
import { type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';

const name = 'python-package-cataloger';
const metadataFile = /\/[^/]+\.dist-info\/METADATA$|\/[^/]+\.egg-info\/PKG-INFO$|\/[^/]+\.egg-info$/;
const recordFile = /\/[^/]+\.dist-info\/RECORD$|\/[^/]+\.egg-info\/installed-files\.txt$/;

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

export const pythonPackageCataloger: Cataloger = {
  name,
  wants: (path) => metadataFile.test(path) || recordFile.test(path),
  catalog(files): CatalogResult {
    const out = new ResultBuilder(name);
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
        out.packages.push({
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
        });
      });
    }
    return out;
  },
};

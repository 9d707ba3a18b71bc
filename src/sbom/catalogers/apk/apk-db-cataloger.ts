/**
 * Alpine packages from `/lib/apk/db/installed`: records separated by blank lines, one `X:value` field per line
 * (P name, V version, A arch, L license, o origin, F directory, R file in the last F directory).
 * Format: https://wiki.alpinelinux.org/wiki/Apk_spec
 */
import { PackageURL } from 'packageurl-js';
import { type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';

const name = 'apk-db-cataloger';
const dbPath = '/lib/apk/db/installed';

export const apkDbCataloger: Cataloger = {
  name,
  wants: (path) => path === dbPath,
  catalog(files, ctx): CatalogResult {
    const out = new ResultBuilder(name);
    const body = files.body(dbPath)?.toString('utf8');
    if (body === undefined) return out;
    const entry = files.get(dbPath);
    out.guard(dbPath, () => {
      for (const record of body.split(/\n\s*\n/)) {
        if (record.trim() === '') continue;
        const fields: Record<string, string> = {};
        const owned: string[] = [];
        let dir = '';
        for (const line of record.split('\n')) {
          if (line.length < 2 || line[1] !== ':') continue;
          const key = line[0] ?? '';
          const value = line.slice(2);
          if (key === 'F') dir = value;
          else if (key === 'R') owned.push(`/${dir ? `${dir}/` : ''}${value}`);
          else fields[key] ??= value;
        }
        const pkgName = fields.P;
        const version = fields.V;
        if (!pkgName || !version) throw new Error('record without P: or V:');
        const qualifiers: Record<string, string> = {};
        if (fields.A) qualifiers.arch = fields.A;
        if (ctx.distro?.versionId) qualifiers.distro = `${ctx.distro.id}-${ctx.distro.versionId}`;
        if (fields.o && fields.o !== pkgName) qualifiers.upstream = fields.o;
        out.packages.push({
          id: packageId('apk', pkgName, version, dbPath),
          type: 'apk',
          name: pkgName,
          version,
          purl: new PackageURL('apk', ctx.distro?.id ?? 'alpine', pkgName, version, qualifiers, undefined).toString(),
          licenses: fields.L ? [fields.L] : [],
          cpes: [],
          foundBy: name,
          locations: [dbPath],
          layer: entry && entry.layer >= 0 ? entry.layer : undefined,
          files: owned,
          metadata: { architecture: fields.A, origin: fields.o },
        });
      }
    });
    return out;
  },
};

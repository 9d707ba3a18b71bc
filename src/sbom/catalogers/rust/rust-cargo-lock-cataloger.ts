/**
 * Rust projects: the crates a `Cargo.lock` pins (`[[package]]` tables: name, version, source, checksum, dependencies),
 * as `pkg:cargo/<name>@<version>`, the project's own crates (no `source`) included, as syft lists them. Lock files
 * inside vendored or cached crates belong to dependencies and are skipped, and so is the toolchain's (rust-src).
 *
 * Licenses come from each crate's `Cargo.toml`: the project's own beside the lock file, a vendored copy
 * (`vendor/` beside the lock file first), a Cargo registry cache in the tree, or (opt-in) the host's Cargo home.
 */
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import type { FileResolver } from '../../../fs/index.js';
import { type CatalogContext, type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import { issueField } from '../../../internal/zod-issues.js';
import { CrateLicenseFinder, cratePackage, wantsCrateLicenseFile } from './crate-licenses.js';

const name = 'rust-cargo-lock-cataloger';
/** Lock files of dependencies (vendored or cached crates) and of the Rust toolchain's own sources (rust-src). */
const notAProject = /\/vendor\/|\/registry\/src\/|\/lib\/rustlib\/src\//;

const cargoLock = z.object({
  version: z.number().int().optional(),
  package: z
    .array(
      z.object({
        name: z.string().min(1),
        version: z.string().min(1),
        source: z.string().optional(),
        checksum: z.string().optional(),
        dependencies: z.array(z.string()).optional(),
      }),
    )
    .max(100_000)
    .default([]),
});

export type CargoLock = z.output<typeof cargoLock>;

/** Parses and validates a Cargo.lock (versions 1 to 4 share the `[[package]]` tables read here). */
export function parseCargoLock(text: string): CargoLock {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (error) {
    throw new Error(`not TOML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const parsed = cargoLock.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`field "${issueField(issue)}": ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export const rustCargoLockCataloger: Cataloger = {
  name,
  wants: (path) => (path.endsWith('/Cargo.lock') && !notAProject.test(path)) || wantsCrateLicenseFile(path),
  catalog(files: FileResolver, ctx: CatalogContext): CatalogResult {
    const out = new ResultBuilder(name);
    let finder: CrateLicenseFinder | undefined;
    for (const entry of files.entries()) {
      if (entry.type !== 'file' || !entry.path.endsWith('/Cargo.lock') || notAProject.test(entry.path)) continue;
      const body = files.body(entry.path);
      if (!body) continue;
      out.guard(entry.path, () => {
        const lock = parseCargoLock(body.toString('utf8'));
        const dir = entry.path.slice(0, entry.path.lastIndexOf('/'));
        finder ??= new CrateLicenseFinder(files, ctx.hostCaches?.cargoHome ? { hostCargoHome: ctx.hostCaches.cargoHome } : {});
        const licensesOf = finder;
        const ids = new Map<string, string>();
        const idOf = (p: { name: string; version: string; source?: string | undefined }): string => packageId('cargo', p.name, p.version, `${entry.path}#${p.source ?? ''}`);
        for (const p of lock.package) {
          const id = idOf(p);
          ids.set(`${p.name} ${p.version}`, id);
          if (!ids.has(p.name)) ids.set(p.name, id);
        }
        // a dependency is named `name`, or `name version` (or `name version (source)`) when several versions are locked
        const resolved = (dep: string): string | undefined => {
          const [depName, depVersion] = dep.split(' ');
          return ids.get(`${depName} ${depVersion}`) ?? ids.get(depName ?? '');
        };
        for (const p of lock.package) {
          const id = idOf(p);
          const found = p.source === undefined ? (licensesOf.fromProject(`${dir}/Cargo.toml`, p) ?? licensesOf.find(p, `${dir}/vendor`)) : licensesOf.find(p, `${dir}/vendor`);
          out.packages.push(
            cratePackage(name, entry, { id, name: p.name, version: p.version }, found, {
              files: [],
              metadata: { source: p.source, ...(p.checksum ? { checksum: p.checksum } : {}) },
              // Cargo.lock lists each crate's every dependency (absent: none)
              dependenciesKnown: (p.dependencies ?? []).every((dep) => resolved(dep) !== undefined),
            }),
          );
          for (const dep of p.dependencies ?? []) {
            const to = resolved(dep);
            if (to) out.relationships.push({ from: id, to, type: 'depends-on' });
          }
        }
      });
    }
    return out;
  },
};

/**
 * Licenses of Rust crates, from the crate's own `Cargo.toml` where a copy of the crate is at hand: a `cargo vendor`
 * directory (`vendor/<name>/` or `vendor/<name>-<version>/`), a Cargo registry cache in the scanned tree
 * (`…/registry/src/<index>/<name>-<version>/`, under any CARGO_HOME) and — only when asked — this machine's Cargo home.
 * `license` is already an SPDX expression (the old `MIT/Apache-2.0` form means OR); a crate with only `license-file`
 * gets that file classified against the SPDX reference texts. Without a copy the license stays empty (NOASSERTION).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { parse as parseToml } from 'smol-toml';
import type { FileEntry, FileResolver } from '../../../fs/index.js';
import type { Package } from '../../model.js';
import { isSpdxExpression } from '../../formats/licenses.js';
import { classifyLicenseText, type FoundLicenses, isLicenseFileName, licenseFields, maxLicenseFileBytes, onHost, readHostLicenseFile } from '../../license-text.js';

/** The package record of one crate, as both Rust catalogers (Cargo.lock and cargo-auditable binaries) report it. */
export function cratePackage(
  foundBy: string,
  entry: Pick<FileEntry, 'path' | 'layer'>,
  crate: { id: string; name: string; version: string },
  found: FoundLicenses | undefined,
  extra: { files: string[]; metadata: Record<string, unknown>; dependenciesKnown?: boolean },
): Package {
  const { licenses, metadata } = licenseFields(found);
  return {
    id: crate.id,
    type: 'cargo',
    name: crate.name,
    version: crate.version,
    purl: new PackageURL('cargo', undefined, crate.name, crate.version, undefined, undefined).toString(),
    licenses,
    cpes: [],
    foundBy,
    locations: [entry.path],
    layer: entry.layer >= 0 ? entry.layer : undefined,
    files: extra.files,
    metadata: { ...extra.metadata, ...metadata },
    ...(extra.dependenciesKnown === true ? { dependenciesKnown: true } : {}),
  };
}

/** Where crate copies sit in a tree. */
const crateTree = /\/vendor\/|\/registry\/src\//;

/** Whether the scan should keep this file's bytes for crate license lookups. */
export function wantsCrateLicenseFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'Cargo.toml' || (crateTree.test(path) && isLicenseFileName(base));
}

/** A `license` field as an SPDX expression: `MIT/Apache-2.0` (deprecated, meaning OR) → `MIT OR Apache-2.0`. */
export function normalizeCargoLicense(value: string): string {
  const trimmed = value.trim();
  if (!trimmed.includes('/')) return trimmed;
  const or = trimmed.split(/\s*\/\s*/).join(' OR ');
  return isSpdxExpression(or) ? or : trimmed;
}

export interface CrateManifest {
  name: string;
  version: string;
  license?: string;
  licenseFile?: string;
}

/** The `[package]` fields of a Cargo.toml that name the crate and its license. */
export function parseCrateManifest(text: string, subject: string): CrateManifest | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (error) {
    throw new Error(`${subject}: not TOML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const pkg = doc.package;
  if (typeof pkg !== 'object' || pkg === null) return undefined;
  const { name, version, license } = pkg as Record<string, unknown>;
  const licenseFile = (pkg as Record<string, unknown>)['license-file'];
  if (typeof name !== 'string' || typeof version !== 'string') return undefined;
  return { name, version, ...(typeof license === 'string' ? { license } : {}), ...(typeof licenseFile === 'string' ? { licenseFile } : {}) };
}

function fromManifest(manifest: CrateManifest, manifestPath: string, readLicenseFile: (path: string) => string | undefined): FoundLicenses | undefined {
  if (manifest.license) return { licenses: [normalizeCargoLicense(manifest.license)], evidence: [manifestPath] };
  if (manifest.licenseFile) {
    const path = join(manifestPath.slice(0, manifestPath.lastIndexOf('/')), manifest.licenseFile);
    const text = readLicenseFile(path);
    const match = text === undefined ? undefined : classifyLicenseText(text);
    if (match) return { licenses: [match.id], evidence: [path] };
  }
  return undefined;
}

export interface CrateLicenseOptions {
  /** A Cargo home of this machine to search too; off unless given. */
  hostCargoHome?: string;
}

/** Finds crate licenses in one scanned filesystem; built once per catalog run. */
export class CrateLicenseFinder {
  /** `name@version` → Cargo.toml paths of crate copies in the tree, with their parsed manifests. */
  private readonly copies = new Map<string, { path: string; manifest: CrateManifest }[]>();

  constructor(
    private readonly files: FileResolver,
    private readonly options: CrateLicenseOptions = {},
  ) {
    for (const entry of files.entries()) {
      if (entry.type !== 'file' || !entry.path.endsWith('/Cargo.toml') || !crateTree.test(entry.path)) continue;
      const body = files.body(entry.path);
      if (!body) continue;
      let manifest: CrateManifest | undefined;
      try {
        manifest = parseCrateManifest(body.toString('utf8'), entry.path);
      } catch {
        continue; // a broken copy is no evidence; the crate keeps no license
      }
      if (!manifest) continue;
      const key = `${manifest.name}@${manifest.version}`;
      this.copies.set(key, [...(this.copies.get(key) ?? []), { path: entry.path, manifest }]);
    }
  }

  private readInTree = (path: string): string | undefined => {
    const entry = this.files.resolve(path);
    return entry && entry.size <= maxLicenseFileBytes ? this.files.body(entry.path)?.toString('utf8') : undefined;
  };

  /** The license of a crate at a version: the copy under `vendorDir` first, then any copy in the tree, then the host's. */
  find(crate: { name: string; version: string }, vendorDir?: string): FoundLicenses | undefined {
    const all = this.copies.get(`${crate.name}@${crate.version}`) ?? [];
    const near = (c: { path: string }): boolean => vendorDir !== undefined && c.path.startsWith(`${vendorDir}/`);
    for (const copy of [...all.filter(near), ...all.filter((c) => !near(c))]) {
      const found = fromManifest(copy.manifest, copy.path, this.readInTree);
      if (found) return found;
    }
    return this.options.hostCargoHome ? this.fromHost(crate) : undefined;
  }

  /** A workspace member's own manifest (a crate of the project, without a registry source). */
  fromProject(manifestPath: string, crate: { name: string; version: string }): FoundLicenses | undefined {
    const body = this.files.body(manifestPath);
    if (!body) return undefined;
    const manifest = parseCrateManifest(body.toString('utf8'), manifestPath);
    if (manifest?.name !== crate.name || manifest.version !== crate.version) return undefined;
    return fromManifest(manifest, manifestPath, this.readInTree);
  }

  private fromHost(crate: { name: string; version: string }): FoundLicenses | undefined {
    // names come from the scanned files: only a crate name and version as crates.io allows them name a directory here
    if (!/^[A-Za-z0-9_-]+$/.test(crate.name) || !/^[0-9A-Za-z.+-]+$/.test(crate.version) || crate.version.includes('..')) return undefined;
    const src = join(this.options.hostCargoHome ?? '', 'registry', 'src');
    let indexes: string[];
    try {
      indexes = readdirSync(src).sort();
    } catch {
      return undefined;
    }
    for (const index of indexes) {
      const manifestPath = join(src, index, `${crate.name}-${crate.version}`, 'Cargo.toml');
      const text = readHostLicenseFile(manifestPath);
      if (text === undefined) continue;
      let manifest: CrateManifest | undefined;
      try {
        manifest = parseCrateManifest(text, manifestPath);
      } catch {
        continue;
      }
      if (manifest?.name !== crate.name || manifest.version !== crate.version) continue;
      const found = fromManifest(manifest, manifestPath, readHostLicenseFile);
      if (found) return onHost(found);
    }
    return undefined;
  }
}

/**
 * The SBOM model every cataloger fills and every format prints. Ordering and ids are deterministic, so the same
 * input always gives byte-identical output.
 */

/** Package ecosystems, named as package-url types. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'cargo' | 'generic';

export interface Package {
  /** Stable id: derived from type, name, version and first location. */
  id: string;
  type: PackageType;
  name: string;
  version: string;
  /** package-url (https://github.com/package-url/purl-spec). */
  purl: string;
  /** SPDX license expressions as declared; empty when unknown. */
  licenses: string[];
  /** CPE 2.3 strings where meaningful (distro packages). */
  cpes: string[];
  /** The cataloger that found it. */
  foundBy: string;
  /** Where the evidence is: the database or manifest file that declares the package. */
  locations: string[];
  /** Index of the layer that introduced it (the layer that wrote its evidence), or undefined for directories. */
  layer: number | undefined;
  /** Files the package owns (absolute paths), sorted; empty when the ecosystem does not say. */
  files: string[];
  /** Ecosystem details: source package, architecture, maintainer, dev dependency… */
  metadata: Record<string, string | boolean | undefined>;
  /**
   * True when the cataloger read the package's complete list of dependencies and found each of them among the
   * packages: its depends-on edges are then all of them, and no edge means none (CycloneDX `dependsOn: []`, SPDX
   * `DEPENDS_ON NONE`). Absent when the ecosystem does not say, or a dependency is missing.
   */
  dependenciesKnown?: boolean;
  /**
   * True when the package manager records the package as asked for by name rather than pulled in by another (apt's
   * `/var/lib/apt/extended_states` does not mark it `Auto-Installed: 1`; apk's `/etc/apk/world` names it): a direct
   * requirement of the image even when other packages depend on it too. Absent when the package manager does not say.
   */
  explicit?: boolean;
}

export interface Relationship {
  from: string;
  to: string;
  type: 'depends-on' | 'contains';
}

/** A problem with one file: reported, never fatal. */
export interface Unknown {
  path: string;
  cataloger: string;
  message: string;
}

export interface SbomSource {
  kind: 'image' | 'directory';
  /** What the user named: `oci:./x:tag`, `/srv/rootfs`. */
  name: string;
  /** Manifest digest for images. */
  digest?: string;
  /** Config digest (the image id) for images. */
  imageId?: string;
  /**
   * Distribution from os-release: `debian` `12`; `ID_LIKE` as written (`ubuntu debian`); `UBUNTU_CODENAME`, the Ubuntu
   * release an Ubuntu-based distribution is built on (`jammy` on Linux Mint 21); `DEBIAN_CODENAME`, the Debian release a
   * Debian-based one is built on (`bookworm` on LMDE 6).
   */
  distro?: { id: string; versionId?: string; versionCodename?: string; idLike?: string; ubuntuCodename?: string; debianCodename?: string; prettyName?: string };
}

export interface Sbom {
  source: SbomSource;
  /** ISO 8601: the image's `created`, or SOURCE_DATE_EPOCH, or the epoch. */
  created: string;
  packages: Package[];
  relationships: Relationship[];
  unknowns: Unknown[];
  /** Regular files owned by no catalogued package (only ecosystems that list files count as owners). */
  unownedFiles: string[];
  tool: { name: string; version: string };
}

/** Sorts everything into its canonical order. */
export function normalize(sbom: Sbom): Sbom {
  const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    ...sbom,
    packages: [...sbom.packages]
      .map((p) => ({ ...p, locations: [...new Set(p.locations)].sort(byKey), files: [...new Set(p.files)].sort(byKey), licenses: [...new Set(p.licenses)].sort(byKey) }))
      .sort((a, b) => byKey(a.type, b.type) || byKey(a.name, b.name) || byKey(a.version, b.version) || byKey(a.id, b.id)),
    relationships: [...sbom.relationships].sort((a, b) => byKey(a.from, b.from) || byKey(a.to, b.to) || byKey(a.type, b.type)),
    unknowns: [...sbom.unknowns].sort((a, b) => byKey(a.path, b.path) || byKey(a.cataloger, b.cataloger) || byKey(a.message, b.message)),
    unownedFiles: [...sbom.unownedFiles].sort(byKey),
  };
}

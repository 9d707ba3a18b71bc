/**
 * Matching an SBOM's packages against the database, with each ecosystem's own identity and version rules:
 * Debian packages by source package and source version within the release (`Debian:12`), Alpine by origin within
 * `Alpine:v3.19`, language packages by name.
 */
import type { VulnDb } from './db/database.js';
import { evaluate } from './evaluate.js';
import type { Osv, OsvAffected } from './osv.js';
import { advisoryName } from './package-name.js';
import { type CodePresence, codeNotPresent } from './presence.js';
import { type Severity, severityOf } from './severity.js';
import type { IgnoreEntry, SuppressedMatch } from './suppress.js';

/** What matching needs of a package; the SBOM engine's packages have this shape. */
export interface ScanPackage {
  id: string;
  type: string;
  name: string;
  version: string;
  purl: string;
  layer: number | undefined;
  locations: string[];
  /** Files the package owns, when its ecosystem lists them. */
  files?: string[];
  metadata: Record<string, string | boolean | undefined>;
}

/** The distribution an SBOM was taken from, as os-release names it. */
export interface Distro {
  id: string;
  versionId?: string;
  versionCodename?: string;
  /** `ID_LIKE`: the distributions this one derives from, space-separated (`ubuntu debian`). */
  idLike?: string;
  /** `UBUNTU_CODENAME`: the Ubuntu release an Ubuntu-based distribution is built on (`jammy`). */
  ubuntuCodename?: string;
  /** `DEBIAN_CODENAME`: the Debian release a Debian-based distribution is built on (`bookworm` on LMDE 6). */
  debianCodename?: string;
  prettyName?: string;
}

/** What matching needs of an SBOM: its packages and the distribution they were found on. */
export interface ScanInput {
  source: { name?: string; digest?: string | undefined; distro?: Distro | undefined };
  packages: ScanPackage[];
}

export type FixState = 'fixed' | 'not-fixed' | 'wont-fix' | 'end-of-life' | 'unknown';

export interface Match {
  id: string;
  aliases: string[];
  summary: string | undefined;
  severity: Severity;
  score: number | undefined;
  /** The CVSS vector the score comes from. */
  vector?: string;
  package: { id: string; name: string; version: string; type: string; purl: string; layer: number | undefined; locations: string[] };
  /** The ecosystem and name the advisory speaks of (a Debian source package, for instance). */
  advisoryPackage: { ecosystem: string; name: string; version: string };
  range: string;
  fixedVersion: string | undefined;
  state: FixState;
  references: string[];
  /** Set when none of the package's code is in the final image (a later layer deleted it): the layers that did. */
  codeNotPresent?: { removedBy: number[] };
  /**
   * For an advisory fixing several vulnerabilities at once (a DSA or DLA naming them in `upstream`) that stays a
   * finding of its own: those of them no other record finds for the package, which this finding stands for.
   */
  covers?: string[];
}

export interface ScanResult {
  matches: Match[];
  /** Packages that could not be evaluated (unparseable versions, unknown ecosystems). */
  unknowns: { package: string; message: string }[];
  db: { records: number; updatedAt: string | undefined };
  /** What was scanned: the SBOM's source name and image digest. */
  source: { name: string | undefined; digest: string | undefined };
  /** The OSV ecosystems the scanned packages' advisories are filed under (what `db update` should fetch). */
  ecosystems: string[];
  /** Matches an ignore entry, the baseline or a VEX statement suppressed, with the reason. */
  suppressed: SuppressedMatch[];
  /** Ignore entries past their expiry date (they no longer suppress). */
  expiredIgnores: IgnoreEntry[];
  /**
   * What the user should know about what was not matched as it would be on a supported system: OS packages of a
   * distribution without an OSV ecosystem, a Debian testing system or a derivative matched against a Debian or
   * Ubuntu release, Alpine edge matched against the release it will become.
   */
  warnings: string[];
}

/**
 * A Go release as OSV's `stdlib` ranges spell it (semver): Go named its releases before 1.21 without a `.0` and its
 * pre-releases without a dash (`1.20`, `1.21rc2`, `1.19beta1`), which no semver parser reads; the Go vulnerability
 * database writes them `1.20.0`, `1.21.0-rc.2`, `1.19.0-beta.1`. Anything else is returned as it is.
 */
function goReleaseSemver(version: string): string {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta)(\d+))?$/.exec(version);
  if (!m) return version;
  const [, major, minor = '0', patch = '0', pre, n] = m;
  return `${major ?? '0'}.${minor}.${patch}${pre === undefined ? '' : `-${pre}.${n ?? '0'}`}`;
}

/**
 * OSV names an Ubuntu release's ecosystem with its LTS status: `Ubuntu:22.04:LTS`, but `Ubuntu:24.10`. Ubuntu makes a
 * long-term support release every April of an even year (`YY.04`, YY even). Advisories for Ubuntu Pro's ESM updates
 * (`Ubuntu:Pro:22.04:LTS`) name versions an image without Pro cannot install, and are not looked up.
 */
function ubuntuEcosystem(versionId: string | undefined): string | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(versionId ?? '');
  if (!m) return undefined;
  return Number(m[1]) % 2 === 0 && m[2] === '04' ? `Ubuntu:${versionId ?? ''}:LTS` : `Ubuntu:${versionId ?? ''}`;
}

/**
 * Ubuntu's releases by codename (distro-info-data's ubuntu.csv), for the Ubuntu-based distributions that name the
 * release they are built on only by its codename (`UBUNTU_CODENAME=jammy` on Linux Mint 21, elementary OS 7).
 */
const ubuntuReleases: Record<string, string> = {
  trusty: '14.04',
  xenial: '16.04',
  bionic: '18.04',
  cosmic: '18.10',
  disco: '19.04',
  eoan: '19.10',
  focal: '20.04',
  groovy: '20.10',
  hirsute: '21.04',
  impish: '21.10',
  jammy: '22.04',
  kinetic: '22.10',
  lunar: '23.04',
  mantic: '23.10',
  noble: '24.04',
  oracular: '24.10',
  plucky: '25.04',
  questing: '25.10',
};

/**
 * The Ubuntu release whose advisories apply to a dpkg system: Ubuntu's own VERSION_ID; for an Ubuntu-based
 * distribution (`ID_LIKE` names `ubuntu`: Linux Mint, Pop!_OS, elementary OS, KDE neon) the release its
 * `UBUNTU_CODENAME` (else its `VERSION_CODENAME`) names, with `note` saying so. Undefined for anything else.
 */
function ubuntuRelease(distro: Distro | undefined): { ecosystem: string | undefined; note?: string } | undefined {
  if (!distro) return undefined;
  if (distro.id === 'ubuntu') return { ecosystem: ubuntuEcosystem(distro.versionId) };
  if (!(distro.idLike ?? '').split(/\s+/).includes('ubuntu')) return undefined;
  const codename = [distro.ubuntuCodename, distro.versionCodename].find((c) => c !== undefined && ubuntuReleases[c] !== undefined);
  const version = codename === undefined ? undefined : ubuntuReleases[codename];
  if (codename === undefined || version === undefined) return { ecosystem: undefined };
  return {
    ecosystem: ubuntuEcosystem(version),
    note: `${distro.id} derives from Ubuntu: its packages were matched against the advisories of Ubuntu ${version} (${codename}); packages ${distro.id} rebuilt or replaced at its own versions may be misjudged`,
  };
}

/**
 * Debian's releases by codename (distro-info-data's debian.csv), for OSV's `Debian:<number>` ecosystems: testing and
 * unstable name no VERSION_ID, only the codename of the next release. Only released codenames are listed: OSV files
 * advisories under a release's number once it has one.
 */
const debianReleases: Record<string, string> = { wheezy: '7', jessie: '8', stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13' };

/**
 * The Debian release whose advisories apply to a dpkg system: Debian's own VERSION_ID; for testing and unstable
 * (no VERSION_ID) the release their codename names; for a derivative (`ID_LIKE=debian`: Raspbian, LMDE, …) the Debian
 * release whose codename it declares: its `DEBIAN_CODENAME` (LMDE 6 names its own release `faye` in
 * VERSION_CODENAME and Debian's `bookworm` there), else its `VERSION_CODENAME` (Raspbian's is Debian's). With `note`,
 * why the match is less exact than on Debian's own release.
 */
function debianRelease(distro: Distro | undefined): { major: string | undefined; note?: string } {
  if (!distro) return { major: undefined };
  const codename = distro.id === 'debian' ? distro.versionCodename : (distro.debianCodename ?? distro.versionCodename);
  const released = codename === undefined ? undefined : debianReleases[codename];
  if (distro.id === 'debian') {
    const major = distro.versionId?.split('.')[0];
    if (major) return { major };
    if (!released) return { major: undefined };
    return {
      major: released,
      note: `Debian ${codename ?? ''}/sid (testing or unstable) has no release number: its packages were matched against the advisories of Debian ${released} (${codename ?? ''}), whose fixed versions may differ from those testing received`,
    };
  }
  const like = (distro.idLike ?? '').split(/\s+/);
  if (!like.includes('debian') || like.includes('ubuntu') || !released) return { major: undefined };
  return {
    major: released,
    note: `${distro.id} derives from Debian: its packages were matched against the advisories of Debian ${released} (${codename ?? ''}); packages ${distro.id} rebuilt or replaced at its own versions may be misjudged`,
  };
}

/**
 * The Alpine branch whose advisories apply to an apk system (`3.19.1` → `v3.19`). Edge and pre-release images carry
 * the version of the release they will become with a suffix (`3.21.0_alpha20240807`): they are matched against that
 * release, with `note` saying so. Anything without a numeric version (`edge`) and other apk distributions (Wolfi,
 * Chainguard, postmarketOS: their own package sets and version numbers) have none.
 */
function alpineRelease(distro: Distro | undefined): { branch: string | undefined; note?: string } {
  if (distro?.id !== 'alpine') return { branch: undefined };
  const m = /^(\d+)\.(\d+)(?:\.\d+)?(_[a-z]+\d*)?$/.exec(distro.versionId ?? '');
  if (!m) return { branch: undefined };
  const branch = `${m[1] ?? ''}.${m[2] ?? ''}`;
  if (m[3] === undefined) return { branch };
  return {
    branch,
    note: `Alpine ${distro.versionId ?? ''} is edge or a pre-release: its packages were matched against the advisories of Alpine v${branch}, the release it will become, whose fixed versions may differ from those edge received`,
  };
}

/** How the distribution is named in a warning. */
function distroName(distro: Distro | undefined): string {
  if (!distro) return 'a system without /etc/os-release';
  const release = distro.versionId ?? distro.versionCodename;
  return `${distro.id}${release === undefined ? '' : ` ${release}`}${distro.idLike === undefined ? '' : ` (like ${distro.idLike})`}`;
}

/** The OSV ecosystem and name under which advisories for a package are filed, or undefined when there is none. */
export function advisoryKey(p: ScanPackage, sbom: ScanInput): { ecosystem: string; name: string; version: string } | undefined {
  const distro = sbom.source.distro;
  const major = distro?.versionId?.split('.')[0];
  switch (p.type) {
    case 'deb': {
      const ubuntu = ubuntuRelease(distro);
      const release = debianRelease(distro).major;
      const eco = ubuntu ? ubuntu.ecosystem : release === undefined ? undefined : `Debian:${release}`;
      if (!eco) return undefined;
      const source = typeof p.metadata.source === 'string' ? p.metadata.source : p.name;
      const version = typeof p.metadata.sourceVersion === 'string' ? p.metadata.sourceVersion : p.version;
      return { ecosystem: eco, name: source, version };
    }
    case 'apk': {
      const mm = alpineRelease(distro).branch;
      if (mm === undefined) return undefined;
      return { ecosystem: `Alpine:v${mm}`, name: typeof p.metadata.origin === 'string' ? p.metadata.origin : p.name, version: p.version };
    }
    case 'rpm': {
      // AlmaLinux and Rocky file advisories per major release and binary package; Red Hat's ecosystems also name
      // the repository (`Red Hat:enterprise_linux:9::baseos`), so they are found by prefix (see `advisoryKeys`).
      if (!major) return undefined;
      if (distro.id === 'almalinux') return { ecosystem: `AlmaLinux:${major}`, name: p.name, version: p.version };
      if (distro.id === 'rocky') return { ecosystem: `Rocky Linux:${major}`, name: p.name, version: p.version };
      return undefined;
    }
    case 'npm':
      return { ecosystem: 'npm', name: p.name, version: p.version };
    case 'pypi':
      return { ecosystem: 'PyPI', name: advisoryName('PyPI', p.name), version: p.version };
    case 'golang':
      return { ecosystem: 'Go', name: p.name, version: p.name === 'stdlib' ? goReleaseSemver(p.version) : p.version };
    case 'cargo':
      return { ecosystem: 'crates.io', name: p.name, version: p.version };
    case 'maven': {
      // OSV names Maven packages `groupId:artifactId`; the SBOM's name is the artifactId alone.
      const group = typeof p.metadata.groupId === 'string' ? p.metadata.groupId : undefined;
      return { ecosystem: 'Maven', name: group ? `${group}:${p.name}` : p.name, version: p.version };
    }
    default:
      return undefined;
  }
}

/**
 * Every key a package's advisories may be filed under: its `advisoryKey`; for RHEL rpms, each Red Hat ecosystem of
 * that major release the database holds; for a Go binary's main module in an SBOM without a `stdlib` package for that
 * binary (made by an older shipshape or another tool), the Go standard library at the toolchain version it was built
 * with — where the SBOM has the `stdlib` package, that package is matched (its own key), once.
 */
function advisoryKeys(p: ScanPackage, sbom: ScanInput, db: VulnDb, withStdlib: ReadonlySet<string>): { ecosystem: string; name: string; version: string }[] {
  const keys: { ecosystem: string; name: string; version: string }[] = [];
  const key = advisoryKey(p, sbom);
  if (key) keys.push(key);
  const prefix = redHatPrefix(sbom.source.distro);
  if (p.type === 'rpm' && prefix !== undefined) {
    for (const eco of db.ecosystemsStartingWith(prefix)) {
      if (eco.length === prefix.length || eco[prefix.length] === '.' || eco[prefix.length] === ':') keys.push({ ecosystem: eco, name: p.name, version: p.version });
    }
  }
  const goVersion = p.metadata.goVersion;
  if (p.type === 'golang' && p.metadata.mainModule === true && typeof goVersion === 'string' && goVersion.startsWith('go') && !p.locations.some((l) => withStdlib.has(l))) {
    keys.push({ ecosystem: 'Go', name: 'stdlib', version: goReleaseSemver(goVersion.slice(2)) });
  }
  return keys;
}

/** The start of the Red Hat ecosystems of a RHEL system's major release (`Red Hat:enterprise_linux:9`). */
function redHatPrefix(distro: Distro | undefined): string | undefined {
  const major = distro?.versionId?.split('.')[0];
  return distro?.id === 'rhel' && major ? `Red Hat:enterprise_linux:${major}` : undefined;
}

function stateOf(a: OsvAffected, fixed: string | undefined): FixState {
  const specific = JSON.stringify([a.ecosystem_specific ?? {}, a.database_specific ?? {}]).toLowerCase();
  if (fixed) return 'fixed';
  if (/end[- ]of[- ]life|\beol\b/.test(specific)) return 'end-of-life';
  if (/will[- ]not[- ]fix|won'?t[- ]fix|ignored|unimportant/.test(specific)) return 'wont-fix';
  if (a.ranges?.some((r) => r.events.some((e) => 'fixed' in e))) return 'fixed';
  return 'not-fixed';
}

/**
 * A match; whether its severity is the rating its publisher gave (not read from a CVSS score); and, for a record that
 * bundles several upstream vulnerabilities (a DSA or DLA fixing three CVEs at once), their ids.
 */
interface Found {
  match: Match;
  byPublisher: boolean;
  bundles: string[];
}

/**
 * The other ids of the vulnerability a record stands for: its `aliases` and, when its `upstream` names a single
 * vulnerability, that one. osv.dev links Debian's and Ubuntu's records (DEBIAN-CVE-*, DSA, DLA, UBUNTU-CVE-*) to the CVE
 * through `upstream`, not `aliases` (OSV 1.6: aliases must not name a vulnerability upstream in the supply chain), yet
 * DEBIAN-CVE-2023-4911 is CVE-2023-4911 as Debian's build has it. A record naming several upstream vulnerabilities is
 * none of them alone. `related` is never followed: it names other vulnerabilities (a similar flaw, another fix).
 */
function sameVulnerability(record: Osv): string[] {
  const upstream = record.upstream ?? [];
  const ids = [...(record.aliases ?? []), ...(upstream.length === 1 ? upstream : [])];
  return [...new Set(ids)].filter((id) => id !== record.id);
}

function matchOne(p: ScanPackage, key: { ecosystem: string; name: string; version: string }, record: Osv): Found | undefined {
  if (record.withdrawn) return undefined;
  for (const a of record.affected ?? []) {
    if (a.package?.ecosystem !== key.ecosystem || advisoryName(a.package.ecosystem, a.package.name) !== key.name) continue;
    const hit = evaluate(key.version, a);
    if (!hit) continue;
    const { severity, score, vector, byPublisher } = severityOf(record, a);
    const match: Match = {
      id: record.id,
      aliases: sameVulnerability(record),
      summary: record.summary,
      severity,
      score,
      ...(vector === undefined ? {} : { vector }),
      package: { id: p.id, name: p.name, version: p.version, type: p.type, purl: p.purl, layer: p.layer, locations: p.locations },
      advisoryPackage: key,
      range: hit.range,
      fixedVersion: hit.fixed,
      state: stateOf(a, hit.fixed),
      references: (record.references ?? []).map((r) => r.url).slice(0, 5),
    };
    const upstream = record.upstream ?? [];
    return { match, byPublisher, bundles: upstream.length > 1 ? upstream : [] };
  }
  return undefined;
}

const severityOrder: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 };

const fixOrder: Record<FixState, number> = { fixed: 4, 'not-fixed': 3, 'wont-fix': 2, 'end-of-life': 1, unknown: 0 };

/**
 * A record bundling several upstream vulnerabilities (a DSA fixing three CVEs) adds nothing to a package's findings
 * when each of those vulnerabilities is found for the package by another record (the DEBIAN-CVE-* record of each CVE):
 * such a group is dropped, and its ids become aliases of each finding it covers, so that an ignore entry naming the DSA
 * still applies. Its severity takes no part: it rates the bundle, not one of its CVEs. A bundle with any of its
 * vulnerabilities not found otherwise stays a finding of its own, which names those vulnerabilities (`covers`).
 * Returns the groups kept, the ids each gains, and the vulnerabilities each bundle kept stands for.
 */
function foldBundles(perPackage: Found[][]): { groups: Found[][]; extra: Map<Found[], Set<string>>; covers: Map<Found[], string[]> } {
  const isBundle = (g: Found[]): boolean => g.every((f) => f.bundles.length > 0);
  const single = perPackage.filter((g) => !isBundle(g));
  const extra = new Map<Found[], Set<string>>();
  const covers = new Map<Found[], string[]>();
  const kept: Found[][] = [...single];
  for (const g of perPackage.filter(isBundle)) {
    const covered = [...new Set(g.flatMap((f) => f.bundles))];
    const targets = covered.map((id) => single.find((o) => o.some(({ match: m }) => m.id === id || m.aliases.includes(id))));
    if (targets.some((t) => t === undefined)) {
      kept.push(g);
      covers.set(g, covered.filter((_, i) => targets[i] === undefined));
      continue;
    }
    const ids = g.flatMap(({ match: m }) => [m.id, ...m.aliases]);
    for (const t of targets) {
      if (!t) continue;
      const set = extra.get(t) ?? new Set<string>();
      for (const id of ids) set.add(id);
      extra.set(t, set);
    }
  }
  return { groups: kept, extra, covers };
}

/**
 * One match per vulnerability and package: a CVE filed by several databases (GHSA, PYSEC, DSA and the CVE itself),
 * each naming the others among its `aliases` (or, for a distribution's record, as its single `upstream`), is one
 * finding. Of the records that name each other (directly or through a shared alias), the one with the highest
 * severity is kept, then one that names a fix, then the smallest id; it takes the others' ids as aliases, so that an
 * ignore entry or VEX statement naming any of them still applies. A record bundling several upstream vulnerabilities
 * is folded into their findings (see `foldBundles`).
 * For an OS package, a record its distribution rated itself comes before those rated only by a CVSS score, as trivy
 * takes the vendor severity of the package's own data source: every record an OS package matches was filed under its
 * distribution's ecosystem, and Debian's urgency (or Ubuntu's priority, Red Hat's word) for its own build is the
 * judgement a DSA's upstream CVSS vector must not outvote.
 */
function oncePerVulnerability(found: Found[]): Match[] {
  const groups = new Map<string, Found[][]>();
  for (const f of found) {
    const m = f.match;
    const names = new Set([m.id, ...m.aliases]);
    const perPackage = groups.get(m.package.id) ?? [];
    const joined = perPackage.filter((g) => g.some(({ match: o }) => names.has(o.id) || o.aliases.some((a) => names.has(a))));
    const merged = [f, ...joined.flat()];
    groups.set(m.package.id, [...perPackage.filter((g) => !joined.includes(g)), merged]);
  }
  const distroRated = (f: Found): number => (f.byPublisher && osPackageTypes.has(f.match.package.type) ? 1 : 0);
  const better = (x: Found, y: Found): number => {
    const [a, b] = [x.match, y.match];
    return (
      distroRated(y) - distroRated(x) ||
      severityOrder[b.severity] - severityOrder[a.severity] ||
      (b.score ?? -1) - (a.score ?? -1) ||
      fixOrder[b.state] - fixOrder[a.state] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    );
  };
  const out: Match[] = [];
  for (const perPackage of groups.values()) {
    const { groups: kept, extra, covers } = foldBundles(perPackage);
    for (const group of kept) {
      const [first, ...others] = [...group].sort(better);
      if (!first) continue;
      const rest = others.map((o) => o.match);
      const gained = extra.get(group);
      const stands = covers.get(group);
      const match = stands === undefined ? first.match : { ...first.match, covers: [...stands].sort() };
      if (rest.length === 0 && gained === undefined) {
        out.push(match);
        continue;
      }
      const aliases = new Set([...first.match.aliases, ...rest.flatMap((o) => [o.id, ...o.aliases]), ...(gained ?? [])]);
      aliases.delete(first.match.id);
      out.push({ ...match, aliases: [...aliases].sort() });
    }
  }
  return out;
}

/** Matches every package of `sbom`; with `presence` (the final image's files), marks packages whose code is gone. */
export function scanSbom(sbom: ScanInput, db: VulnDb, presence?: CodePresence): ScanResult {
  const found: Found[] = [];
  const unknowns: ScanResult['unknowns'] = [];
  const ecosystems = new Set<string>();
  const withStdlib = new Set(sbom.packages.filter((p) => p.type === 'golang' && p.name === 'stdlib').flatMap((p) => p.locations));
  const unmatchedOs = new Map<string, number>();
  for (const p of sbom.packages) {
    const keys = advisoryKeys(p, sbom, db, withStdlib);
    if (keys.length === 0 && osPackageTypes.has(p.type) && !(p.type === 'rpm' && redHatPrefix(sbom.source.distro) !== undefined)) {
      unmatchedOs.set(p.type, (unmatchedOs.get(p.type) ?? 0) + 1);
    }
    // Red Hat's ecosystems name the repository and minor release (`Red Hat:enterprise_linux:9.4::appstream`), so the
    // ones a RHEL image needs are known only once imported: the `Red Hat` export, which holds them all, is what
    // `db update` must fetch, also when the database holds none of them yet.
    if (p.type === 'rpm' && redHatPrefix(sbom.source.distro) !== undefined) ecosystems.add('Red Hat');
    for (const key of keys) {
      ecosystems.add(key.ecosystem);
      for (const record of db.lookup(key.ecosystem, key.name)) {
        try {
          const f = matchOne(p, key, record);
          if (!f) continue;
          const gone = presence ? codeNotPresent(p.files, presence) : undefined;
          found.push(gone ? { ...f, match: { ...f.match, codeNotPresent: gone } } : f);
        } catch (error) {
          unknowns.push({ package: `${p.name}@${p.version}`, message: `${record.id}: ${error instanceof Error ? error.message : String(error)}` });
        }
      }
    }
  }
  const unique = oncePerVulnerability(found);
  const warnings = osWarnings(sbom, unmatchedOs);
  unique.sort((a, b) => severityOrder[b.severity] - severityOrder[a.severity] || (a.package.name < b.package.name ? -1 : a.package.name > b.package.name ? 1 : 0) || (a.id < b.id ? -1 : 1));
  const status = db.status();
  return {
    matches: unique,
    unknowns,
    db: { records: status.records, updatedAt: status.updatedAt },
    source: { name: sbom.source.name, digest: sbom.source.digest },
    ecosystems: [...ecosystems].sort(),
    suppressed: [],
    expiredIgnores: [],
    warnings,
  };
}

const osPackageTypes: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);

/**
 * OS packages no advisory could be looked up for are said so, never left out silently: an unknown distribution, a
 * release without an OSV ecosystem. A Debian testing system or derivative matched against a Debian or Ubuntu release,
 * and Alpine edge matched against the release it will become, are said too. (RHEL rpms are looked up against
 * whichever Red Hat ecosystems the database holds, so they are not counted.)
 */
function osWarnings(sbom: ScanInput, unmatched: ReadonlyMap<string, number>): string[] {
  const distro = sbom.source.distro;
  const warnings: string[] = [];
  const note = sbom.packages.some((p) => p.type === 'deb') ? (ubuntuRelease(distro) ?? debianRelease(distro)).note : undefined;
  if (note) warnings.push(note);
  const alpineNote = sbom.packages.some((p) => p.type === 'apk') ? alpineRelease(distro).note : undefined;
  if (alpineNote) warnings.push(alpineNote);
  for (const [type, count] of [...unmatched].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    warnings.push(`${count} ${type} package${count === 1 ? ' was' : 's were'} not checked for vulnerabilities: there is no OSV ecosystem for ${distroName(distro)}`);
  }
  return warnings;
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityOrder[severity] >= severityOrder[threshold];
}

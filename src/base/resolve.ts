/**
 * Dependency closure over a Packages universe: Pre-Depends and Depends (Recommends are not followed, as
 * distroless and `apt-get --no-install-recommends`), virtual packages through Provides, and alternatives
 * chosen deterministically: an alternative already chosen wins, else the first one the archive can satisfy
 * (the order the maintainer wrote, which is apt's preference too).
 */
import { notFound, invalidInput } from '../internal/errors.js';
import { compareVersions, satisfies } from './debian-version.js';
import { type DependencyAtom, type PackageRecord, parseRelations } from './packages-index.js';

/**
 * Packages that only maintainer scripts need (a distroless image runs none): a dependency on them counts as
 * met without installing them, as distroless does by listing its packages by hand.
 */
export const scriptOnlyPackages: readonly string[] = [
  'adduser',
  'debconf',
  'debconf-2.0',
  'dpkg',
  'init-system-helpers',
  'install-info',
  'lsb-base',
  'perl-base',
  'sensible-utils',
  'sysvinit-utils',
  'ucf',
];

/**
 * Byte order of package names (Debian names are ASCII), as `LC_ALL=C sort` gives: `localeCompare` follows the
 * process's locale (LANG/LC_ALL), so under cs_CZ or lt_LT it chose other providers and made another image.
 */
function nameOrder(a: PackageRecord, b: PackageRecord): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export class Universe {
  private readonly byName = new Map<string, PackageRecord[]>();
  private readonly providers = new Map<string, { record: PackageRecord; version?: string }[]>();

  constructor(records: readonly PackageRecord[]) {
    for (const r of records) {
      const list = this.byName.get(r.name) ?? [];
      list.push(r);
      this.byName.set(r.name, list);
    }
    for (const list of this.byName.values()) list.sort((a, b) => compareVersions(b.version, a.version));
    for (const r of records) {
      for (const [atom] of parseRelations(r.provides, `Provides of ${r.name} ${r.version}`)) {
        if (atom === undefined) continue;
        const list = this.providers.get(atom.name) ?? [];
        list.push(atom.version === undefined ? { record: r } : { record: r, version: atom.version });
        this.providers.set(atom.name, list);
      }
    }
  }

  /** The newest version of a real package, optionally satisfying a constraint. */
  candidate(atom: DependencyAtom): PackageRecord | undefined {
    const list = this.byName.get(atom.name) ?? [];
    return list.find((r) => atom.relation === undefined || atom.version === undefined || satisfies(r.version, atom.relation, atom.version));
  }

  /** Real packages providing a virtual name (versioned provides checked against the constraint), sorted by name. */
  providersOf(atom: DependencyAtom): PackageRecord[] {
    const list = (this.providers.get(atom.name) ?? []).filter(
      (p) => atom.relation === undefined || atom.version === undefined || (p.version !== undefined && satisfies(p.version, atom.relation, atom.version)),
    );
    return list.map((p) => p.record).sort((a, b) => nameOrder(a, b) || compareVersions(b.version, a.version));
  }

  /** An exact name and version, as a lock file records them. */
  exact(name: string, version: string): PackageRecord | undefined {
    return this.byName.get(name)?.find((r) => r.version === version);
  }

  has(name: string): boolean {
    return this.byName.has(name) || this.providers.has(name);
  }
}

export interface ResolveOptions {
  /** Names whose dependencies count as met without installing them. */
  assumeInstalled?: Iterable<string>;
  /** Follow dependencies of these roots (true) or take the roots alone (false, as distroless's hand-made lists). */
  closure: boolean;
}

function satisfiedBy(atom: DependencyAtom, chosen: ReadonlyMap<string, PackageRecord>, universe: Universe): boolean {
  const real = chosen.get(atom.name);
  if (real !== undefined && (atom.relation === undefined || atom.version === undefined || satisfies(real.version, atom.relation, atom.version))) return true;
  return universe.providersOf(atom).some((p) => chosen.get(p.name)?.version === p.version);
}

/**
 * Resolves `roots` (package names) to the packages to install, sorted by name. Throws `not-found` naming the
 * package and the one that needed it when the archive cannot satisfy a dependency.
 */
export function resolve(universe: Universe, roots: readonly string[], options: ResolveOptions, already: ReadonlyMap<string, PackageRecord> = new Map()): PackageRecord[] {
  const chosen = new Map(already);
  const assumed = new Set(options.assumeInstalled ?? []);
  const queue: PackageRecord[] = [];
  const pick = (atom: DependencyAtom): PackageRecord | undefined => {
    const real = universe.candidate(atom);
    if (real !== undefined) return real;
    const providers = universe.providersOf(atom);
    return providers.find((p) => chosen.has(p.name)) ?? providers[0];
  };
  for (const root of roots) {
    if (chosen.has(root)) continue;
    const record = pick({ name: root });
    if (record === undefined) throw notFound(`package ${root}`, 'not in the configured archive for this architecture');
    if (chosen.has(record.name)) continue;
    chosen.set(record.name, record);
    queue.push(record);
  }
  while (options.closure && queue.length > 0) {
    const record = queue.shift();
    if (record === undefined) break;
    const subject = `${record.name} ${record.version}`;
    for (const clause of [...parseRelations(record.preDepends, `Pre-Depends of ${subject}`), ...parseRelations(record.depends, `Depends of ${subject}`)]) {
      if (clause.some((atom) => assumed.has(atom.name) || satisfiedBy(atom, chosen, universe))) continue;
      let next: PackageRecord | undefined;
      for (const atom of clause) {
        next = pick(atom);
        if (next !== undefined) break;
      }
      const wanted = clause.map((a) => (a.relation === undefined ? a.name : `${a.name} (${a.relation} ${a.version ?? ''})`)).join(' | ');
      if (next === undefined) throw notFound(`package ${record.name}`, `depends on ${wanted}, which the configured archive does not have`);
      const existing = chosen.get(next.name);
      if (existing !== undefined) {
        if (existing.version !== next.version) throw invalidInput(`package ${record.name}`, `needs ${wanted} but ${existing.name} ${existing.version} is already chosen`);
        continue;
      }
      chosen.set(next.name, next);
      queue.push(next);
    }
  }
  return [...chosen.values()].filter((r) => !already.has(r.name)).sort(nameOrder);
}

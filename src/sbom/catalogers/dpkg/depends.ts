/**
 * The relationship fields of an installed package (Debian Policy §7.1): `Depends: a (>= 1), b | c:any` — clauses
 * separated by commas, each satisfied by any one of its alternatives. An installed package's fields carry no
 * architecture restrictions (`[amd64]`) or build profiles (`<!nocheck>`): those are for source packages only, and are
 * dropped here if present.
 */

export interface Alternative {
  name: string;
  /** The architecture qualifier: `any` (Multi-Arch: allowed), or a named architecture. */
  arch?: string;
}

/** Clauses of alternatives; an empty field gives none. */
export function parseRelations(field: string | undefined): Alternative[][] {
  if (field === undefined) return [];
  return field
    .split(',')
    .map((clause) =>
      clause
        .split('|')
        .map((alt) => alt.replace(/\([^)]*\)|\[[^\]]*\]|<[^>]*>/g, '').trim())
        .filter((alt) => alt !== '')
        .map((alt) => {
          const [name = '', arch] = alt.split(/\s+/)[0]?.split(':') ?? [];
          return arch === undefined ? { name } : { name, arch };
        }),
    )
    .filter((clause) => clause.length > 0);
}

/** The names a `Provides` field offers (versions dropped). */
export function providedNames(field: string | undefined): string[] {
  return parseRelations(field).flatMap((clause) => clause.map((alt) => alt.name));
}

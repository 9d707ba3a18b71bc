/**
 * A `Packages` index: one stanza per binary package. Only the fields a resolver and a downloader need are
 * kept (a bookworm index holds ~60 000 stanzas; building a map per stanza would cost seconds).
 */
import { invalidInput } from '../internal/errors.js';
import type { Relation } from './debian-version.js';

export interface PackageRecord {
  name: string;
  version: string;
  architecture: string;
  /** Path of the `.deb` below the archive root (`pool/main/…`). */
  filename: string;
  size: number;
  sha256: string;
  depends: string;
  preDepends: string;
  provides: string;
  /** Archive root the index came from, to download `filename` from. */
  archive: string;
}

const wanted: Record<string, keyof PackageRecord | undefined> = {
  package: 'name',
  version: 'version',
  architecture: 'architecture',
  filename: 'filename',
  size: 'size',
  sha256: 'sha256',
  depends: 'depends',
  'pre-depends': 'preDepends',
  provides: 'provides',
};

/** Parses a Packages index. Stanzas missing a required field are an error naming the package. */
export function parsePackagesIndex(text: string, subject: string, archive: string): PackageRecord[] {
  const out: PackageRecord[] = [];
  let current: Record<string, string> = {};
  const flush = (): void => {
    if (Object.keys(current).length === 0) return;
    const { name, version, architecture, filename, size, sha256 } = current;
    if (name === undefined || version === undefined || filename === undefined || sha256 === undefined || size === undefined || architecture === undefined) {
      throw invalidInput(subject, `stanza for "${name ?? '?'}" lacks Version, Architecture, Filename, Size or SHA256`);
    }
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalidInput(subject, `package ${name}: bad SHA256`);
    if (filename.split('/').includes('..') || filename.startsWith('/')) throw invalidInput(subject, `package ${name}: unsafe Filename "${filename}"`);
    out.push({ name, version, architecture, filename, size: Number(size), sha256, depends: current.depends ?? '', preDepends: current.preDepends ?? '', provides: current.provides ?? '', archive });
    current = {};
  };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '' || line === '\r') {
      flush();
      if (end === text.length) break;
      continue;
    }
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) continue; // continuation: only Description uses them among the fields here
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = wanted[line.slice(0, colon).toLowerCase()];
    if (key !== undefined) current[key] = line.slice(colon + 1).trim();
  }
  flush();
  return out;
}

export interface DependencyAtom {
  name: string;
  relation?: Relation;
  version?: string;
}

/** One comma-separated clause: alternatives separated by `|`. */
export type Dependency = DependencyAtom[];

/** Parses a Depends/Pre-Depends/Provides value (Debian Policy §7.1). Arch qualifiers (`:any`) are dropped. */
export function parseRelations(value: string, subject: string): Dependency[] {
  if (value.trim() === '') return [];
  return value.split(',').map((clause) =>
    clause.split('|').map((alt) => {
      const m = /^\s*([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^)\s]+)\s*\))?\s*(?:\[[^\]]*\])?\s*(?:<[^>]*>\s*)*$/.exec(alt);
      if (m === null) throw invalidInput(subject, `unparsable relation "${alt.trim()}"`);
      const name = m[1] ?? '';
      const rel = m[2];
      // `<` and `>` are obsolete spellings of `<=` and `>=` (Policy §7.1)
      const relation: Relation | undefined = rel === '<' ? '<=' : rel === '>' ? '>=' : (rel as Relation | undefined);
      return relation === undefined || m[3] === undefined ? { name } : { name, relation, version: m[3] };
    }),
  );
}

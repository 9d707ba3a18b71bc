/**
 * Debian version ordering (Debian Policy §5.6.12, deb-version(7)): `[epoch:]upstream[-revision]`, compared
 * part by part, alternating non-digit runs (letters before non-letters, `~` before everything, even the end)
 * and digit runs compared numerically.
 */

interface Parsed {
  epoch: number;
  upstream: string;
  revision: string;
}

function parse(version: string): Parsed {
  const colon = version.indexOf(':');
  const epoch = colon > 0 ? Number.parseInt(version.slice(0, colon), 10) : 0;
  const rest = colon > 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch: Number.isNaN(epoch) ? 0 : epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch: Number.isNaN(epoch) ? 0 : epoch, upstream: rest, revision: '' };
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // non-digit prefix
    while ((i < a.length && !/\d/.test(a.charAt(i))) || (j < b.length && !/\d/.test(b.charAt(j)))) {
      const ca = i < a.length && !/\d/.test(a.charAt(i)) ? a.charAt(i) : undefined;
      const cb = j < b.length && !/\d/.test(b.charAt(j)) ? b.charAt(j) : undefined;
      const d = order(ca) - order(cb);
      if (d !== 0) return d;
      i++;
      j++;
    }
    // digit run
    let na = '';
    let nb = '';
    while (i < a.length && /\d/.test(a.charAt(i))) na += a.charAt(i++);
    while (j < b.length && /\d/.test(b.charAt(j))) nb += b.charAt(j++);
    const diff = BigInt(na === '' ? '0' : na) - BigInt(nb === '' ? '0' : nb);
    if (diff !== 0n) return diff < 0n ? -1 : 1;
  }
  return 0;
}

/** Negative when `a` sorts before `b`, 0 when equal, positive after. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa.epoch !== pb.epoch) return pa.epoch - pb.epoch;
  return compareFragment(pa.upstream, pb.upstream) || compareFragment(pa.revision, pb.revision);
}

export type Relation = '<<' | '<=' | '=' | '>=' | '>>';

/** Whether `version` satisfies `relation constraint` (as in `Depends: libc6 (>= 2.34)`). */
export function satisfies(version: string, relation: Relation, constraint: string): boolean {
  const c = compareVersions(version, constraint);
  switch (relation) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
  }
}

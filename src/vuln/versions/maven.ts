/**
 * Maven version ordering, after Maven's ComparableVersion: items split at `.`, `-` and digit/letter transitions;
 * numbers compare numerically; known qualifiers rank alpha < beta < milestone < rc < snapshot < (release) < sp;
 * unknown qualifiers sort after known ones, alphabetically; trailing zeros and release qualifiers are ignored.
 */
const qualifiers: Record<string, number> = { alpha: 0, a: 0, beta: 1, b: 1, milestone: 2, m: 2, rc: 3, cr: 3, snapshot: 4, '': 5, ga: 5, final: 5, release: 5, sp: 6 };

type Item = { kind: 'num'; value: bigint } | { kind: 'str'; value: string };

function items(v: string): Item[] {
  const out: Item[] = [];
  for (const m of v.toLowerCase().matchAll(/(\d+)|([a-z]+)/g)) {
    if (m[1] !== undefined) out.push({ kind: 'num', value: BigInt(m[1]) });
    else out.push({ kind: 'str', value: m[2] ?? '' });
  }
  // normalise: drop trailing zeros and release qualifiers
  while (out.length > 0) {
    const last = out[out.length - 1];
    if (last && ((last.kind === 'num' && last.value === 0n) || (last.kind === 'str' && qualifiers[last.value] === 5))) out.pop();
    else break;
  }
  return out;
}

function rank(s: string): [number, string] {
  const q = qualifiers[s];
  return q === undefined ? [7, s] : [q, ''];
}

function compareItem(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return -compareItem(b, undefined);
  if (b === undefined) {
    if (a.kind === 'num') return a.value === 0n ? 0 : 1;
    const [r] = rank(a.value);
    return r < 5 ? -1 : r === 5 ? 0 : 1;
  }
  if (a.kind === 'num' && b.kind === 'num') return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
  if (a.kind === 'num') return 1; // a number beats a qualifier
  if (b.kind === 'num') return -1;
  const [ra, sa] = rank(a.value);
  const [rb, sb] = rank(b.value);
  if (ra !== rb) return ra - rb;
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

export function compareMaven(a: string, b: string): number {
  const x = items(a);
  const y = items(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const c = compareItem(x[i], y[i]);
    if (c !== 0) return c;
  }
  return 0;
}

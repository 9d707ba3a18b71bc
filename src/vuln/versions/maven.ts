/**
 * Maven version ordering, as Maven's version order specification states it
 * (https://maven.apache.org/pom.html#version-order-specification), which OSV's Maven ecosystem follows:
 *
 * - A version splits into tokens at `.`, at `-` and where digits meet other characters (such a transition counts as
 *   a `-`); each token keeps the separator before it, and an empty token is `0`.
 * - Null tokens (`0`, `""`, `final`, `ga`) are trimmed from the end, then again before each remaining `-` from the end
 *   to the start: `1.0.0-foo.0.0` is `1-foo`, `1-ga-1` is `1-1`.
 * - Tokens compare in order, the shorter version padded with nulls spelt like the other's token (`.0`, or `-""`).
 *   With the same separator, numbers compare as numbers and qualifiers as alpha < beta < milestone < rc = cr <
 *   snapshot < "" = final = ga < sp < any other, by name; a number is above a qualifier. Across separators
 *   `.qualifier` = `-qualifier` < `-number` < `.number`, so `1-1` < `1.1` (a hyphen opens a sub-version).
 * - `a`, `b` and `m` directly followed by a digit mean alpha, beta and milestone. Case is ignored.
 *
 * One addition: `release` is a null like `ga` and `final`, as in Maven's ComparableVersion, so that Spring's
 * `5.3.18.RELEASE` equals the `5.3.18` an advisory names.
 */

interface Token {
  /** The separator before the token; the first token counts as dotted. */
  sep: '.' | '-';
  /** A number, or a qualifier in its canonical spelling (`""` for the release itself). */
  value: bigint | string;
}

const aliases: Record<string, string> = { cr: 'rc', ga: '', final: '', release: '' };

const known = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];

const shorthand: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function tokens(version: string): Token[] {
  const out: Token[] = [];
  let sep: Token['sep'] = '.';
  let text = '';
  const push = (): void => {
    const value = text === '' ? 0n : isDigit(text[0]) ? BigInt(text) : (aliases[text] ?? text);
    out.push({ sep, value });
    text = '';
  };
  for (const c of version.toLowerCase()) {
    if (c === '.' || c === '-') {
      push();
      sep = c;
      continue;
    }
    if (text !== '' && isDigit(c) !== isDigit(text[text.length - 1])) {
      if (isDigit(c)) text = shorthand[text] ?? text;
      push();
      sep = '-';
    }
    text += c;
  }
  push();
  return trim(out);
}

function isNull(t: Token | undefined): boolean {
  return t !== undefined && (t.value === 0n || t.value === '');
}

function trim(list: Token[]): Token[] {
  const out = [...list];
  while (isNull(out[out.length - 1])) out.pop();
  for (let i = out.length - 1; i > 0; i--) {
    if (out[i]?.sep !== '-') continue;
    let from = i;
    // the leading token stays: `0-1` is not `-1`
    while (from > 1 && isNull(out[from - 1])) from--;
    out.splice(from, i - from);
    i = from;
  }
  return out;
}

function compareQualifiers(a: string, b: string): number {
  const ra = known.indexOf(a);
  const rb = known.indexOf(b);
  if (ra >= 0 || rb >= 0) return (ra < 0 ? known.length : ra) - (rb < 0 ? known.length : rb);
  return a === b ? 0 : a < b ? -1 : 1;
}

/** `.qualifier` = `-qualifier` < `-number` < `.number`. */
function rank(t: Token): number {
  if (typeof t.value === 'string') return 0;
  return t.sep === '-' ? 1 : 2;
}

function compareTokens(a: Token, b: Token): number {
  if (typeof a.value === 'string' && typeof b.value === 'string') return compareQualifiers(a.value, b.value);
  if (typeof a.value === 'bigint' && typeof b.value === 'bigint' && a.sep === b.sep) return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
  return rank(a) - rank(b);
}

function padFor(other: Token): Token {
  return other.sep === '.' ? { sep: '.', value: 0n } : { sep: '-', value: '' };
}

export function compareMaven(a: string, b: string): number {
  const x = tokens(a);
  const y = tokens(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const tx = x[i];
    const ty = y[i];
    const c = compareTokens(tx ?? padFor(ty ?? { sep: '.', value: 0n }), ty ?? padFor(tx ?? { sep: '.', value: 0n }));
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

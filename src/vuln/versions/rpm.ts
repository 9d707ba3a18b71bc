/**
 * RPM version ordering (rpmvercmp) over `[epoch:]version[-release]`: alternating alphabetic and numeric segments,
 * numbers beat letters, `~` sorts before anything and `^` after the end but before any other segment.
 */
function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !/[A-Za-z0-9~^]/.test(a[i] ?? '')) i++;
    while (j < b.length && !/[A-Za-z0-9~^]/.test(b[j] ?? '')) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = /[0-9]/.test(a[i] ?? '');
    const re = numeric ? /[0-9]/ : /[A-Za-z]/;
    let ie = i;
    let je = j;
    while (ie < a.length && re.test(a[ie] ?? '')) ie++;
    while (je < b.length && re.test(b[je] ?? '')) je++;
    let sa = a.slice(i, ie);
    let sb = b.slice(j, je);
    if (sb === '') return numeric ? 1 : -1;
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length - sb.length;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ie;
    j = je;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export function compareRpm(a: string, b: string): number {
  const split = (v: string): [number, string, string] => {
    const colon = v.indexOf(':');
    const epoch = colon === -1 ? 0 : Number(v.slice(0, colon)) || 0;
    const rest = colon === -1 ? v : v.slice(colon + 1);
    const dash = rest.lastIndexOf('-');
    return [epoch, dash === -1 ? rest : rest.slice(0, dash), dash === -1 ? '' : rest.slice(dash + 1)];
  };
  const [ea, va, ra] = split(a);
  const [eb, vb, rb] = split(b);
  if (ea !== eb) return ea - eb;
  return rpmvercmp(va, vb) || (ra && rb ? rpmvercmp(ra, rb) : 0);
}

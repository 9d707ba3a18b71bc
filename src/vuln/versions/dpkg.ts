/**
 * Debian version ordering (Debian Policy §5.6.12): `[epoch:]upstream[-revision]`, compared part by part with
 * dpkg's verrevcmp, where `~` sorts before everything, even the end of the string.
 */
export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

export function parseDpkgVersion(v: string): DpkgVersion {
  const text = v.trim();
  if (text === '' || /\s/.test(text)) throw new Error(`invalid Debian version "${v}"`);
  const colon = text.indexOf(':');
  let epoch = 0;
  let rest = text;
  if (colon !== -1) {
    const e = text.slice(0, colon);
    if (!/^\d+$/.test(e)) throw new Error(`invalid epoch in Debian version "${v}"`);
    epoch = Number(e);
    rest = text.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash === -1 ? rest : rest.slice(0, dash);
  const revision = dash === -1 ? '' : rest.slice(dash + 1);
  if (upstream === '' || !/^[0-9]/.test(upstream)) throw new Error(`Debian version "${v}" must start with a digit`);
  return { epoch, upstream, revision };
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i] ?? '')) || (j < b.length && !/[0-9]/.test(b[j] ?? ''))) {
      const ac = order(i < a.length ? a[i] : undefined);
      const bc = order(j < b.length ? b[j] : undefined);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (/[0-9]/.test(a[i] ?? '') && /[0-9]/.test(b[j] ?? '')) {
      if (!firstDiff) firstDiff = (a.charCodeAt(i)) - (b.charCodeAt(j));
      i++;
      j++;
    }
    if (/[0-9]/.test(a[i] ?? '')) return 1;
    if (/[0-9]/.test(b[j] ?? '')) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export function compareDpkg(a: string, b: string): number {
  const x = parseDpkgVersion(a);
  const y = parseDpkgVersion(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

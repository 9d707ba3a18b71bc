/**
 * Alpine (apk-tools) version ordering: dot-separated numbers, an optional letter, suffixes
 * (`_alpha` < `_beta` < `_pre` < `_rc` < none < `_cvs` < `_svn` < `_git` < `_hg` < `_p`, each with an optional number),
 * then `-rN`. https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver
 */
const suffixRank: Record<string, number> = { alpha: -4, beta: -3, pre: -2, rc: -1, cvs: 1, svn: 2, git: 3, hg: 4, p: 5 };

interface ApkVersion {
  numbers: number[];
  letter: string;
  suffixes: [number, number][];
  revision: number;
}

function parse(v: string): ApkVersion {
  const m = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/.exec(v.trim());
  if (!m) throw new Error(`invalid Alpine version "${v}"`);
  const suffixes: [number, number][] = [];
  for (const s of (m[3] ?? '').split('_').filter(Boolean)) {
    const sm = /^([a-z]+)(\d*)$/.exec(s);
    suffixes.push([suffixRank[sm?.[1] ?? ''] ?? 0, Number(sm?.[2] || 0)]);
  }
  return { numbers: (m[1] ?? '0').split('.').map(Number), letter: m[2] ?? '', suffixes, revision: Number(m[4] ?? 0) };
}

export function compareApk(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.numbers.length, y.numbers.length); i++) {
    const p = x.numbers[i];
    const q = y.numbers[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p !== q) return p - q;
  }
  if (x.letter !== y.letter) return x.letter < y.letter ? -1 : 1;
  for (let i = 0; i < Math.max(x.suffixes.length, y.suffixes.length); i++) {
    const [pr, pn] = x.suffixes[i] ?? [0, 0];
    const [qr, qn] = y.suffixes[i] ?? [0, 0];
    if (pr !== qr) return pr - qr;
    if (pn !== qn) return pn - qn;
  }
  return x.revision - y.revision;
}

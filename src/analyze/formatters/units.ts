/** Human-readable figures shared by the formatters. */

/** Decimal units, as `docker images` and dive print them. */
export function bytes(n: number): string {
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a < 1000) return `${sign}${a} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = a / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${sign}${v.toFixed(v >= 100 ? 0 : 1)} ${units[i] ?? ''}`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function signedBytes(n: number): string {
  return n > 0 ? `+${bytes(n)}` : bytes(n);
}

/** Text styling the CLI passes in (colours on a TTY); identity functions by default. */
export interface Style {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
}

const id = (s: string): string => s;
export const plain: Style = { bold: id, dim: id, red: id, green: id, yellow: id };

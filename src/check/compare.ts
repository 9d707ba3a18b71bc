/**
 * The before/after pair as rows: one figure per state and its change against "before". Formatters (text,
 * HTML) render these rows; JSON carries the states themselves.
 */
import { type CheckReport, type CheckState, type ImageMeasurement, severityOrder } from './model.js';

export type Better = 'lower' | 'higher' | 'none';

export interface Row {
  id: string;
  label: string;
  /** One cell per state, in report order. */
  cells: string[];
  /** The numbers behind the cells (undefined when the state has none), for charts and deltas. */
  values: (number | undefined)[];
  better: Better;
}

/** Decimal units, as `docker images` prints them. */
export function formatBytes(n: number): string {
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  if (v < 1000) return `${sign}${v} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${sign}${v.toFixed(v >= 100 ? 0 : 1)} ${units[i] ?? ''}`;
}

export function formatSeconds(s: number): string {
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** The change from `before` to `after` in percent of `before`, as `−62%`; empty when either is missing. */
export function change(before: number | undefined, after: number | undefined): string {
  if (before === undefined || after === undefined || before === 0) return '';
  const pct = Math.round(((after - before) / before) * 100);
  if (pct === 0) return '±0%';
  return pct > 0 ? `+${pct}%` : `−${Math.abs(pct)}%`;
}

function imageRow(states: readonly CheckState[], id: string, label: string, pick: (m: ImageMeasurement) => number | undefined, show: (n: number) => string, better: Better): Row {
  const values = states.map((s) => (s.image ? pick(s.image) : undefined));
  return { id, label, values, cells: values.map((v) => (v === undefined ? '—' : show(v))), better };
}

function vulnerabilityCell(m: ImageMeasurement | undefined): string {
  if (!m) return '—';
  if (!m.vulnerabilities) return 'no database';
  const v = m.vulnerabilities;
  const total = severityOrder.reduce((s, k) => s + v[k], 0);
  if (total === 0) return '0';
  return severityOrder
    .filter((k) => v[k] > 0)
    .map((k) => `${v[k]} ${k}`)
    .join(', ');
}

/** Rows of the comparison table: sizes, layers, waste, removable content, packages, vulnerabilities, builds, user, secrets. */
export function comparisonRows(report: CheckReport): Row[] {
  const states = report.states;
  const count = (n: number): string => String(n);
  const rows: Row[] = [
    imageRow(states, 'compressed', 'size compressed (pull)', (m) => m.compressedBytes, formatBytes, 'lower'),
    imageRow(states, 'uncompressed', 'size uncompressed', (m) => m.uncompressedBytes, formatBytes, 'lower'),
    imageRow(states, 'layers', 'layers', (m) => m.layers, count, 'lower'),
    imageRow(states, 'wasted', 'wasted (hidden by later layers)', (m) => m.wastedBytes, formatBytes, 'lower'),
    imageRow(states, 'removable', 'removable content', (m) => m.removableBytes, formatBytes, 'lower'),
    imageRow(states, 'packages', 'packages (SBOM)', (m) => m.packages, count, 'lower'),
  ];
  const vulnerabilityTotals = states.map((s) => (s.image?.vulnerabilities ? severityOrder.reduce((sum, k) => sum + (s.image?.vulnerabilities?.[k] ?? 0), 0) : undefined));
  rows.push({ id: 'vulnerabilities', label: 'known vulnerabilities', values: vulnerabilityTotals, cells: states.map((s) => vulnerabilityCell(s.image)), better: 'lower' });
  const cold = states.map((s) => s.build?.coldSeconds);
  const warm = states.map((s) => s.build?.warmSeconds);
  rows.push({ id: 'cold', label: 'cold build', values: cold, cells: cold.map((v) => (v === undefined ? '—' : formatSeconds(v))), better: 'lower' });
  rows.push({ id: 'warm', label: 'rebuild after a source change', values: warm, cells: warm.map((v) => (v === undefined ? '—' : formatSeconds(v))), better: 'lower' });
  rows.push({
    id: 'user',
    label: 'user',
    values: states.map((s) => (s.image ? (s.image.runsAsRoot === true ? 1 : 0) : undefined)),
    cells: states.map((s) => (s.image ? `${s.image.user}${s.image.runsAsRoot === true && s.image.user !== 'root' ? ' (root)' : ''}` : '—')),
    better: 'none',
  });
  rows.push(imageRow(states, 'secrets', 'secrets (project layers, config)', (m) => m.secrets.length, count, 'lower'));
  return rows;
}

/** The categories of removable content any state has, with bytes per state. */
export function removableRows(report: CheckReport): Row[] {
  const ids = new Map<string, string>();
  for (const s of report.states) for (const c of s.image?.removable ?? []) if (c.bytes > 0) ids.set(c.id, c.title);
  return [...ids].map(([id, title]) => {
    const values = report.states.map((s) => (s.image ? (s.image.removable.find((c) => c.id === id)?.bytes ?? 0) : undefined));
    return { id, label: title, values, cells: values.map((v) => (v === undefined ? '—' : formatBytes(v))), better: 'lower' as const };
  });
}

/** The state "after" is compared with: the engine build of shipshape's Dockerfile, else the daemonless image. */
export function afterState(report: CheckReport): CheckState | undefined {
  return report.states.find((s) => s.id === 'after' && s.image) ?? report.states.find((s) => s.id === 'daemonless' && s.image);
}

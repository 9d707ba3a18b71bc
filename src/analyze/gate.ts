/**
 * The CI gate: thresholds from `.shipshape.yaml` (`analyze.thresholds`, corrected figures), dive's `.dive-ci`
 * rules (`analyze.dive` or a `.dive-ci` file, on dive's figures) and command-line flags. Every check that
 * failed is listed; the CLI exits 1 when any did.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { analyzeSchema } from '../config/schema.js';
import { invalidInput } from '../internal/errors.js';
import { issueField } from '../internal/zod-issues.js';
import { categoryIds } from './analyzers/removable.js';
import type { AnalysisReport } from './engine.js';
import { bytes } from './formatters/units.js';

export type Thresholds = z.input<typeof analyzeSchema>['thresholds'];
export type DiveRules = z.input<typeof analyzeSchema>['dive'];

export interface GateCheck {
  id: string;
  /** The threshold as configured and as compared. */
  limit: string;
  actual: string;
  passed: boolean;
  message: string;
}

export interface GateResult {
  /** Whether any threshold was set at all. */
  enabled: boolean;
  passed: boolean;
  checks: GateCheck[];
}

const units: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3, ti: 1024 ** 4 };

/** `20MB` → 20 000 000, `1.5GiB` → 1 610 612 736, `1000` → 1000 (dive's humanize.ParseBytes conventions). */
export function parseByteSize(value: number | string, subject = 'size'): number {
  if (typeof value === 'number') return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*$/i.exec(value);
  const unit = units[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw invalidInput(subject, `"${value}" is not a size such as 200MB or 1.5GiB`);
  return Math.round(Number(m[1]) * unit);
}

/**
 * `0.95` or `"0.95"` → 0.95, `95%` → 0.95. A value outside 0–1 (`10` meant as 10%) is refused: as a maximum it could
 * never fail, as a minimum never pass. A string must be decimal digits: `Number()` would read `""` as 0, `0x1` as 1
 * and `abc` as NaN, and a NaN limit makes every comparison false.
 */
export function parseRatio(value: number | string, subject = 'ratio'): number {
  let ratio: number;
  if (typeof value === 'number') ratio = value;
  else {
    const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(value);
    if (!m) throw invalidInput(subject, `"${value}" is not a ratio such as 0.9 or 90%`);
    ratio = m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
  }
  if (!(ratio >= 0 && ratio <= 1)) throw invalidInput(subject, `${String(value)} is not a ratio between 0 and 1 (write 0.1 or 10%)`);
  return ratio;
}

const diveCiSchema = z.looseObject({ rules: analyzeSchema.shape.dive.unwrap().optional() });

/** Reads dive's `.dive-ci` YAML (`rules: { lowestEfficiency, highestWastedBytes, highestUserWastedPercent }`). */
export function parseDiveCi(text: string, path: string): DiveRules {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw invalidInput(path, `invalid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
  const result = diveCiSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidInput(path, issue ? `"${issueField(issue)}": ${issue.message}` : 'invalid .dive-ci');
  }
  return result.data.rules ?? {};
}

/**
 * A size and the limit it is compared with, as `docker images` prints sizes (`60.0 kB`, `1.5 MB`); when both read
 * the same (1000001 against 1000000 bytes) each gets its exact byte count, so a failure never reads "1.0 MB exceeds 1.0 MB".
 */
function sizes(actual: number, limit: number): [string, string] {
  const [a, l] = [bytes(actual), bytes(limit)];
  return a === l ? [`${a} (${actual} bytes)`, `${l} (${limit} bytes)`] : [a, l];
}
const pct = (n: number): string => `${(n * 100).toFixed(2)}%`;

/** Evaluates every configured threshold against a report. */
export function evaluateGate(report: AnalysisReport, thresholds: Thresholds = {}, dive: DiveRules = {}): GateResult {
  const checks: GateCheck[] = [];
  const check = (id: string, limit: string, actual: string, passed: boolean, message: string): void => {
    checks.push({ id, limit, actual, passed, message });
  };
  const t = thresholds;
  if (t.maxSize !== undefined) {
    const limit = parseByteSize(t.maxSize, 'analyze.thresholds.maxSize');
    const actual = report.sizes.visibleSize;
    const [a, l] = sizes(actual, limit);
    check('maxSize', l, a, actual <= limit, `image size ${a} exceeds maxSize ${l}`);
  }
  if (t.maxCompressedSize !== undefined) {
    const limit = parseByteSize(t.maxCompressedSize, 'analyze.thresholds.maxCompressedSize');
    const actual = report.sizes.compressedSize;
    const [a, l] = sizes(actual, limit);
    check('maxCompressedSize', l, a, actual <= limit, `compressed size ${a} exceeds maxCompressedSize ${l}`);
  }
  if (t.minEfficiency !== undefined) {
    const limit = parseRatio(t.minEfficiency, 'analyze.thresholds.minEfficiency');
    const actual = report.waste.corrected.efficiency;
    check('minEfficiency', pct(limit), pct(actual), actual >= limit, `efficiency ${pct(actual)} is below minEfficiency ${pct(limit)}`);
  }
  if (t.maxWastedBytes !== undefined) {
    const limit = parseByteSize(t.maxWastedBytes, 'analyze.thresholds.maxWastedBytes');
    const actual = report.waste.corrected.wastedBytes;
    const [a, l] = sizes(actual, limit);
    check('maxWastedBytes', l, a, actual <= limit, `wasted ${a} exceeds maxWastedBytes ${l}`);
  }
  if (t.maxWastedPercent !== undefined) {
    const limit = parseRatio(t.maxWastedPercent, 'analyze.thresholds.maxWastedPercent');
    const actual = report.waste.corrected.wastedPercent;
    check('maxWastedPercent', pct(limit), pct(actual), actual <= limit, `wasted ${pct(actual)} of shipped bytes exceeds maxWastedPercent ${pct(limit)}`);
  }
  if (t.forbidRoot === true) {
    const root = report.security.user.root;
    check('forbidRoot', 'non-root', root === true ? 'root' : root === false ? 'non-root' : 'unknown', root === false, root === undefined ? `user "${report.security.user.configured}" cannot be resolved to a uid` : 'the container runs as root');
  }
  for (const id of t.forbidCategories ?? []) {
    // a misspelt id would hold nothing, and the check would pass forever
    if (!(categoryIds as readonly string[]).includes(id)) throw invalidInput('analyze.thresholds.forbidCategories', `"${id}" is not a removable category (${categoryIds.join(', ')})`);
    const c = report.removable.categories.find((x) => x.id === id);
    const held = c?.bytes ?? 0;
    const files = c?.files ?? 0;
    check(`forbidCategories:${id}`, '0 files', `${files} files`, files === 0, `category ${id} holds ${files} files (${bytes(held)})`);
  }
  if (t.forbidSecrets === true) {
    const n = report.security.secrets.length;
    check('forbidSecrets', '0', String(n), n === 0, `${n} secret-looking values in ENV, labels or history`);
  }
  if (dive.lowestEfficiency !== undefined && dive.lowestEfficiency !== 'disabled') {
    const limit = parseRatio(dive.lowestEfficiency, 'dive lowestEfficiency');
    const actual = report.waste.dive.efficiency;
    check('dive.lowestEfficiency', pct(limit), pct(actual), actual >= limit, `dive efficiency ${pct(actual)} is below lowestEfficiency ${pct(limit)}`);
  }
  if (dive.highestWastedBytes !== undefined && dive.highestWastedBytes !== 'disabled') {
    const limit = parseByteSize(dive.highestWastedBytes, 'dive highestWastedBytes');
    const actual = report.waste.dive.wastedBytes;
    const [a, l] = sizes(actual, limit);
    check('dive.highestWastedBytes', l, a, actual <= limit, `dive wasted bytes ${a} exceed highestWastedBytes ${l}`);
  }
  if (dive.highestUserWastedPercent !== undefined && dive.highestUserWastedPercent !== 'disabled') {
    const limit = parseRatio(dive.highestUserWastedPercent, 'dive highestUserWastedPercent');
    const actual = report.waste.dive.userWastedPercent;
    check('dive.highestUserWastedPercent', pct(limit), pct(actual), actual <= limit, `dive user wasted ${pct(actual)} exceeds highestUserWastedPercent ${pct(limit)}`);
  }
  return { enabled: checks.length > 0, passed: checks.every((c) => c.passed), checks };
}

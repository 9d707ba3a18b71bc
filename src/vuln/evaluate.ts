/**
 * OSV's evaluation of one version against an affected entry (osv-schema "Evaluation"): the `versions` list, then each
 * range's events in order — `introduced` opens, `fixed` closes at that version, `last_affected` closes after it.
 * GIT ranges cannot be evaluated against package versions and are skipped.
 */
import type { OsvAffected, OsvRange } from './osv.js';
import { type Comparator, comparatorFor, semverComparator } from './versions/index.js';

export interface RangeMatch {
  /** `>=1.2.0, <1.2.5` or `version list`. */
  range: string;
  /** The first fixed version above the installed one, when the range names one. */
  fixed: string | undefined;
}

function sortEvents(events: OsvRange['events'], cmp: Comparator): OsvRange['events'] {
  const key = (e: OsvRange['events'][number]): string => ('introduced' in e ? e.introduced : 'fixed' in e ? e.fixed : 'last_affected' in e ? e.last_affected : e.limit);
  return [...events].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === '0') return kb === '0' ? 0 : -1;
    if (kb === '0') return 1;
    return cmp(ka, kb);
  });
}

function evaluateRange(version: string, range: OsvRange, cmp: Comparator): RangeMatch | undefined {
  let affected = false;
  let lower: string | undefined;
  let upper: string | undefined;
  let fixed: string | undefined;
  for (const e of sortEvents(range.events, cmp)) {
    if ('introduced' in e) {
      if (e.introduced === '0' || cmp(version, e.introduced) >= 0) {
        affected = true;
        lower = e.introduced;
        upper = undefined;
        fixed = undefined;
      }
    } else if ('fixed' in e) {
      if (cmp(version, e.fixed) >= 0) affected = false;
      else if (affected && upper === undefined) {
        upper = `<${e.fixed}`;
        fixed = e.fixed;
      }
    } else if ('last_affected' in e) {
      if (cmp(version, e.last_affected) > 0) affected = false;
      else if (affected && upper === undefined) upper = `<=${e.last_affected}`;
    }
  }
  if (!affected) return undefined;
  const parts = [lower && lower !== '0' ? `>=${lower}` : undefined, upper].filter((p): p is string => p !== undefined);
  return { range: parts.length > 0 ? parts.join(', ') : 'all versions', fixed };
}

/** Whether `version` is affected by this entry; throws when a version cannot be parsed in the ecosystem. */
export function evaluate(version: string, affected: OsvAffected): RangeMatch | undefined {
  const ecosystem = affected.package?.ecosystem ?? '';
  if (affected.versions?.includes(version)) {
    return { range: 'listed version', fixed: undefined };
  }
  for (const range of affected.ranges ?? []) {
    if (range.type === 'GIT') continue;
    const cmp = range.type === 'SEMVER' ? semverComparator : comparatorFor(ecosystem);
    if (!cmp) throw new Error(`no version semantics for ecosystem "${ecosystem}"`);
    const m = evaluateRange(version, range, cmp);
    if (m) return m;
  }
  return undefined;
}

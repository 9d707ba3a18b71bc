/**
 * Matching the names users write in pragmas and config against a rule's id and aliases: case-insensitive,
 * Trivy's spellings (`DS001`, `DS-0001`, `AVD-DS-0001`) equal, BuildKit check names with or without `buildkit:`.
 */
import type { Rule } from './types.js';

/** The canonical form of a rule name. */
export function normalizeRuleName(name: string): string {
  const n = name.trim().toLowerCase();
  const ds = /^(?:avd-)?ds-?0*(\d+)$/.exec(n);
  if (ds) return `ds${ds[1] ?? ''}`;
  return n.startsWith('buildkit:') ? n.slice('buildkit:'.length) : n;
}

const ruleNames = new WeakMap<Rule, ReadonlySet<string>>();

/** Every canonical name a rule answers to (computed once per rule: lint asks for every file). */
export function namesOf(rule: Rule): ReadonlySet<string> {
  let names = ruleNames.get(rule);
  if (!names) {
    names = new Set([rule.meta.id, ...rule.meta.aliases].map(normalizeRuleName));
    ruleNames.set(rule, names);
  }
  return names;
}

/** A set of user-written names, for fast membership of a rule. `all` matches every rule. */
export class RuleNameSet {
  private readonly names: Set<string>;

  constructor(names: Iterable<string>) {
    this.names = new Set([...names].map(normalizeRuleName));
  }

  get size(): number {
    return this.names.size;
  }

  has(ruleNames: ReadonlySet<string>): boolean {
    if (this.names.has('all')) return true;
    for (const n of ruleNames) if (this.names.has(n)) return true;
    return false;
  }

  /** True when the set names `name` itself (a shellcheck code such as `SC2086`). */
  hasName(name: string): boolean {
    return this.names.has(normalizeRuleName(name));
  }
}

import type { Rule, RuleMeta, RuleContext, Visitors } from './types.js';

/** Declares a rule; the identity function that gives `create` its typed context (message ids checked). */
export function defineRule<M extends string>(rule: { meta: RuleMeta<M>; create(context: RuleContext<M>): Visitors }): Rule<M> {
  return rule;
}

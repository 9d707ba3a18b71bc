import { defineRule } from '../define-rule.js';
import { unquoteLabel } from '../labels.js';

/** hadolint DL3050 (strict-labels): with a strict label schema, only the schema's labels may be set. */
export const rule = defineRule({
  meta: {
    id: 'label-unknown',
    aliases: ['DL3050'],
    description: 'A label is not in the label schema and strict labels are on',
    category: 'style',
    visits: ['Label'],
    severity: 'info',
    messages: { superfluous: 'label `{{label}}` is not in the label schema (strict labels are on); remove it or add it to the schema.' },
  },
  create(ctx) {
    const { labelSchema, strictLabels } = ctx.settings;
    return {
      Label(node) {
        if (!strictLabels) return;
        for (const pair of node.pairs) {
          const label = unquoteLabel(pair.key.value);
          if (!Object.hasOwn(labelSchema, label)) ctx.report({ range: pair.key.range, messageId: 'superfluous', data: { label } });
        }
      },
    };
  },
});

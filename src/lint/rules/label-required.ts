import { defineRule } from '../define-rule.js';
import { labelsOf } from '../labels.js';

/** hadolint DL3049 (label-schema): every label of the project's schema must be set on the image. */
export const rule = defineRule({
  meta: {
    id: 'label-required',
    aliases: ['DL3049'],
    description: 'A label the label schema requires is missing from the image',
    category: 'style',
    visits: ['Dockerfile:exit'],
    severity: 'info',
    messages: { missing: 'label `{{label}}` is required by the label schema but the image does not set it; add `LABEL {{label}}=…` to the final stage.' },
  },
  create(ctx) {
    const required = Object.keys(ctx.settings.labelSchema);
    return {
      'Dockerfile:exit'(df) {
        const stage = ctx.finalStage;
        if (required.length === 0 || !stage) return;
        const set = new Set(labelsOf(df, stage).map((l) => l.key));
        for (const label of required) if (!set.has(label)) ctx.report({ range: stage.from.range, messageId: 'missing', data: { label } });
      },
    };
  },
});

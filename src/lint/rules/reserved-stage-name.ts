import { defineRule } from '../define-rule.js';

/** `scratch` and `context` have fixed meanings in BuildKit; a stage cannot take them. */
export const rule = defineRule({
  meta: {
    id: 'reserved-stage-name',
    aliases: ['buildkit:ReservedStageName'],
    description: 'Stage names scratch and context are reserved',
    category: 'correctness',
    visits: ['From'],
    setup: 'run',
    severity: 'error',
    messages: { reserved: 'Stage name `{{name}}` is reserved; choose another.' },
  },
  create(ctx) {
    return {
      From(node) {
        const n = node.stageName?.value.toLowerCase();
        if (node.stageName && (n === 'scratch' || n === 'context')) ctx.report({ range: node.stageName.range, messageId: 'reserved', data: { name: n } });
      },
    };
  },
});

import { defineRule } from '../define-rule.js';

/** Stage names are compared case-insensitively; mixed case invites `--from=Build` vs `build` confusion. */
export const rule = defineRule({
  meta: {
    id: 'stage-name-casing',
    aliases: ['buildkit:StageNameCasing'],
    description: 'Stage names should be lower-case',
    category: 'style',
    visits: ['From'],
    setup: 'run',
    severity: 'style',
    messages: { casing: 'Stage name `{{name}}` should be lower-case.' },
  },
  create(ctx) {
    return {
      From(node) {
        const n = node.stageName;
        if (n && n.value !== n.value.toLowerCase()) ctx.report({ range: n.range, messageId: 'casing', data: { name: n.value } });
      },
    };
  },
});

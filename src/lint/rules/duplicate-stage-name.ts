import { defineRule } from '../define-rule.js';

/** Two stages with one name: `COPY --from` and `--target` silently pick one of them. */
export const rule = defineRule({
  meta: {
    id: 'duplicate-stage-name',
    aliases: ['DL3024', 'DS-0012', 'buildkit:DuplicateStageName'],
    description: 'Stage names must be unique',
    category: 'correctness',
    visits: ['From'],
    severity: 'error',
    messages: { duplicate: 'Stage name `{{name}}` is already used on line {{line}}.' },
  },
  create(ctx) {
    const seen = new Map<string, number>();
    return {
      From(node) {
        if (!node.stageName) return;
        const name = node.stageName.value.toLowerCase();
        const line = seen.get(name);
        if (line !== undefined) ctx.report({ range: node.stageName.range, messageId: 'duplicate', data: { name, line } });
        else seen.set(name, node.range.start.line);
      },
    };
  },
});

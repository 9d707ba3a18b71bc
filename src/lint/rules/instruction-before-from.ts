import { defineRule } from '../define-rule.js';

/** Only ARG (and parser directives and comments) may come before the first FROM: BuildKit rejects anything else. */
export const rule = defineRule({
  meta: {
    id: 'instruction-before-from',
    aliases: ['DL3061'],
    description: 'An instruction other than ARG comes before the first FROM',
    category: 'correctness',
    visits: ['Dockerfile'],
    setup: 'run',
    severity: 'error',
    messages: {
      before: '{{keyword}} before the first FROM: only ARG may come first (BuildKit fails with "no build stage in current context").',
    },
  },
  create(ctx) {
    return {
      Dockerfile(df) {
        for (const ins of df.instructions) {
          if (ins.stageIndex >= 0) break;
          if (ins.keyword === 'Arg') continue;
          ctx.report({ range: ins.range, messageId: 'before', data: { keyword: ins.keywordText.toUpperCase() } });
        }
      },
    };
  },
});

import { defineRule } from '../define-rule.js';

const marker = 'empty continuation line';

/** BuildKit's NoEmptyContinuation: an empty line inside a continuation is accepted today and will be rejected. */
export const rule = defineRule({
  meta: {
    id: 'empty-continuation',
    aliases: ['buildkit:NoEmptyContinuation'],
    description: 'An empty line inside a line continuation',
    category: 'correctness',
    visits: ['Dockerfile:exit'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { empty: 'empty continuation line: BuildKit will reject these in a future release; remove the empty line.' },
  },
  create(ctx) {
    return {
      'Dockerfile:exit'(df) {
        for (const p of df.problems) {
          if (p.severity !== 'warning' || !p.message.startsWith(marker)) continue;
          const start = p.range.start.offset;
          // the empty line (blanks only) and its line ending
          const match = /^[ \t]*\r?\n/.exec(ctx.source.slice(start));
          ctx.report({
            range: p.range,
            messageId: 'empty',
            ...(match ? { fix: () => [{ range: { start: { offset: start }, end: { offset: start + match[0].length } }, text: '' }] } : {}),
          });
        }
      },
    };
  },
});

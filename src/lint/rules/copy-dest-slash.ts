import { defineRule } from '../define-rule.js';
import { insertAt } from '../edits.js';

/** With several sources the destination must be a directory, which COPY requires to end with `/`. */
export const rule = defineRule({
  meta: {
    id: 'copy-dest-slash',
    aliases: ['DL3021', 'DS-0011'],
    description: 'COPY with more than one source needs a destination ending in /',
    category: 'correctness',
    visits: ['Copy'],
    setup: 'run',
    severity: 'error',
    fixable: 'fix',
    messages: { slash: 'COPY with several sources needs a directory destination: end `{{dest}}` with `/`.' },
  },
  create(ctx) {
    return {
      Copy(node) {
        const dest = node.destination;
        if (!dest || node.sources.length < 2 || node.json || node.heredocs.length > 0) return;
        const v = dest.value.replace(/^["']|["']$/g, '');
        if (v.endsWith('/') || v.includes('$')) return;
        const quoted = dest.value.endsWith('"') || dest.value.endsWith("'");
        ctx.report({ range: dest.range, messageId: 'slash', data: { dest: v }, fix: () => [insertAt(dest.range.end.offset - (quoted ? 1 : 0), '/')] });
      },
    };
  },
});

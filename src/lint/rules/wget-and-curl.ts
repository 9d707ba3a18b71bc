import { allInvocations } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';

/** Two download tools where one serves: extra size and two behaviours to reason about. */
export const rule = defineRule({
  meta: {
    id: 'wget-and-curl',
    aliases: ['DL4001', 'DS-0014'],
    description: 'Use either wget or curl, not both',
    category: 'size',
    visits: ['Run'],
    severity: 'warning',
    messages: { both: 'Both wget and curl are used in this Dockerfile; pick one.' },
  },
  create(ctx) {
    let first: { tool: string } | undefined;
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of allInvocations(node.shell)) {
          if (inv.name !== 'wget' && inv.name !== 'curl') continue;
          if (!first) first = { tool: inv.name };
          else if (first.tool !== inv.name) {
            ctx.report({ range: inv.command.range, messageId: 'both' });
            first = { tool: '' };
            return;
          }
        }
      },
    };
  },
});

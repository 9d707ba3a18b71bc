import { allCommands } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';

/** Build steps run as the current USER already; sudo adds a setuid binary and unpredictable TTY/env behaviour. */
export const rule = defineRule({
  meta: {
    id: 'no-sudo',
    aliases: ['DL3004', 'DS-0010'],
    description: 'Do not use sudo in RUN',
    category: 'security',
    visits: ['Run'],
    setup: 'run',
    severity: 'error',
    messages: { sudo: 'Do not use sudo: switch with USER root for the step that needs it, then back.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        // findCommands looks through wrappers such as sudo; here the wrapper itself is the finding
        for (const c of allCommands(node.shell)) if (c.words[0]?.value === 'sudo') ctx.report({ range: c.range, messageId: 'sudo' });
      },
    };
  },
});

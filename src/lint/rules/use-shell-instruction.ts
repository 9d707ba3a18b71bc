import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';

/** hadolint DL4005: replacing /bin/sh by a link changes every later RUN invisibly; SHELL says it in the Dockerfile. */
export const rule = defineRule({
  meta: {
    id: 'use-shell-instruction',
    aliases: ['DL4005'],
    description: 'A RUN links /bin/sh to another shell instead of using SHELL',
    category: 'correctness',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    messages: { link: '`ln … /bin/sh` swaps the shell of every later RUN behind the Dockerfile’s back; use `SHELL ["/bin/bash", "-c"]` instead.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of commands(node, 'ln')) {
          const target = inv.positionals[inv.positionals.length - 1]?.value.replace(/^(["'])(.*)\1$/, '$2');
          if (target === '/bin/sh') ctx.report({ range: inv.command.range, messageId: 'link' });
        }
      },
    };
  },
});

import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { replaceRange } from '../edits.js';

/** `apt` is for terminals: its output and options are not a stable interface for scripts. */
export const rule = defineRule({
  meta: {
    id: 'apt-not-apt-get',
    aliases: ['DL3027'],
    description: 'Use apt-get or apt-cache, not apt, in scripts',
    category: 'correctness',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { apt: '`apt` has no stable command-line interface for scripts; use apt-get.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of commands(node, 'apt')) {
          const name = inv.argv[0];
          const sub = inv.subcommand?.value ?? '';
          if (!name || name.value !== 'apt') continue;
          const ok = ['install', 'update', 'upgrade', 'remove', 'purge', 'autoremove', 'clean', 'dist-upgrade'].includes(sub);
          ctx.report({ range: inv.command.range, messageId: 'apt', ...(ok ? { fix: () => [replaceRange(name.range, 'apt-get')] } : {}) });
        }
      },
    };
  },
});

import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { insertAt } from '../edits.js';

/** Recommended packages are often half the size of an install and rarely needed in an image. */
export const rule = defineRule({
  meta: {
    id: 'apt-no-install-recommends',
    aliases: ['DL3015', 'DS-0029'],
    description: 'apt-get install without --no-install-recommends pulls in packages nobody asked for',
    category: 'size',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'suggestion',
    messages: { missing: 'apt-get install without --no-install-recommends installs recommended packages too; add the flag.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of commands(node, 'apt-get', 'install')) {
          if (inv.hasFlag('--no-install-recommends') || inv.args.some((a) => /APT::Install-Recommends=(false|0)/i.test(a.value))) continue;
          const sub = inv.subcommand;
          if (!sub) continue;
          ctx.report({
            range: inv.command.range,
            messageId: 'missing',
            suggestion: { description: 'add --no-install-recommends', edits: () => [insertAt(sub.range.end.offset, ' --no-install-recommends')] },
          });
        }
      },
    };
  },
});

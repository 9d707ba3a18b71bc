import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { insertAt } from '../edits.js';

/** A build has no terminal: an install that asks for confirmation aborts it. */
export const rule = defineRule({
  meta: {
    id: 'apt-get-yes',
    aliases: ['DL3014', 'DS-0021'],
    description: 'apt-get install needs -y in a non-interactive build',
    category: 'correctness',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { missing: 'apt-get install without -y waits for a confirmation the build cannot give; add -y.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of commands(node, 'apt-get', 'install')) {
          if (inv.hasFlag('-y', '--yes', '--assume-yes', '-q=2', '-qq') || inv.args.some((a) => /^-[a-z]*q{2}/.test(a.value))) continue;
          const name = inv.argv[0];
          if (!name) continue;
          ctx.report({ range: inv.command.range, messageId: 'missing', fix: () => [insertAt(name.range.end.offset, ' -y')] });
        }
      },
    };
  },
});

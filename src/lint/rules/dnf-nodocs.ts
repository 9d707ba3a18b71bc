import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { insertAt } from '../edits.js';

/** Trivy DS-0028: dnf and microdnf install documentation by default, which no container reads. */
export const rule = defineRule({
  meta: {
    id: 'dnf-nodocs',
    aliases: ['DS-0028'],
    description: 'dnf/microdnf install without --nodocs',
    category: 'size',
    visits: ['Run'],
    setup: 'run',
    severity: 'info',
    fixable: 'fix',
    messages: { docs: '`{{name}} {{subcommand}}` installs documentation too; add `--nodocs`.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const name of ['dnf', 'microdnf']) {
          for (const inv of commands(node, name)) {
            const sub = inv.subcommand;
            if (!sub || !['install', 'in', 'reinstall', 'rei', 'install-n', 'install-na', 'install-nevra'].includes(sub.value) || inv.hasFlag('--nodocs')) continue;
            if (inv.args.some((a) => /^--setopt=tsflags=.*nodocs/.test(a.value))) continue;
            ctx.report({ range: inv.command.range, messageId: 'docs', data: { name, subcommand: sub.value }, fix: () => [insertAt(sub.range.end.offset, ' --nodocs')] });
          }
        }
      },
    };
  },
});

import { defineRule } from '../define-rule.js';
import { insertAt } from '../edits.js';
import { commands, scriptHasWord } from '../stage-facts.js';

/** `apk add` keeps the package index in /var/cache/apk unless told not to. */
export const rule = defineRule({
  meta: {
    id: 'apk-no-cache',
    aliases: ['DL3019', 'DS-0025'],
    description: 'apk add without --no-cache leaves the package index in the layer',
    category: 'size',
    severity: 'warning',
    fixable: 'fix',
    messages: { missing: 'apk add keeps its index in /var/cache/apk; add --no-cache.' },
  },
  create(ctx) {
    return {
      Run(node) {
        const shell = node.shell;
        if (!shell) return;
        if (node.flags.some((f) => f.mount?.type === 'cache' && (f.mount.get('target') ?? '').includes('/var/cache/apk'))) return;
        if (scriptHasWord(shell, (v) => v.startsWith('/var/cache/apk'))) return;
        for (const inv of commands(node, 'apk', 'add')) {
          if (inv.hasFlag('--no-cache')) continue;
          const sub = inv.subcommand;
          if (!sub) continue;
          ctx.report({ range: inv.command.range, messageId: 'missing', fix: () => [insertAt(sub.range.end.offset, ' --no-cache')] });
        }
      },
    };
  },
});

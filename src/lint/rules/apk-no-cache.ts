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
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { missing: 'apk add keeps its index in /var/cache/apk; add --no-cache.' },
  },
  create(ctx) {
    return {
      Run(node) {
        const shell = node.shell;
        if (!shell) return;
        // most RUNs run no `apk add`: ask that first, before looking for a cache mount or a cleanup in the whole script
        const adds = commands(node, 'apk', 'add');
        if (adds.length === 0) return;
        if (node.flags.some((f) => f.mount?.type === 'cache' && (f.mount.get('target') ?? '').includes('/var/cache/apk'))) return;
        if (scriptHasWord(shell, (v) => v.startsWith('/var/cache/apk'))) return;
        for (const inv of adds) {
          if (inv.hasFlag('--no-cache')) continue;
          const sub = inv.subcommand;
          if (!sub) continue;
          ctx.report({ range: inv.command.range, messageId: 'missing', fix: () => [insertAt(sub.range.end.offset, ' --no-cache')] });
        }
      },
    };
  },
});

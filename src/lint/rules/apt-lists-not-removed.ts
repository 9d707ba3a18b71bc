import { type RunInstruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { insertAt } from '../edits.js';
import { commands, scriptHasWord } from '../stage-facts.js';

function cachesAptLists(node: RunInstruction): boolean {
  return node.flags.some((f) => f.mount?.type === 'cache' && /\/var\/(lib|cache)\/apt/.test(f.mount.get('target') ?? f.mount.get('dst') ?? f.mount.get('destination') ?? ''));
}

/** `apt-get update` leaves ~20–40 MB of package lists in the layer unless the same RUN removes them. */
export const rule = defineRule({
  meta: {
    id: 'apt-lists-not-removed',
    aliases: ['DL3009'],
    description: 'Remove /var/lib/apt/lists in the RUN that ran apt-get update',
    category: 'size',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { missing: 'apt-get update leaves its package lists in this layer; end the RUN with `rm -rf /var/lib/apt/lists/*`.' },
  },
  create(ctx) {
    return {
      Run(node) {
        const shell = node.shell;
        if (!shell || node.heredocs.length > 0) return;
        const update = commands(node, 'apt-get', 'update')[0] ?? commands(node, 'apt', 'update')[0];
        if (!update || cachesAptLists(node)) return;
        if (scriptHasWord(shell, (v) => v.includes('/var/lib/apt/lists'))) return;
        ctx.report({
          range: update.command.range,
          messageId: 'missing',
          fix: () => [insertAt(node.range.end.offset, ' \\\n    && rm -rf /var/lib/apt/lists/*')],
        });
      },
    };
  },
});

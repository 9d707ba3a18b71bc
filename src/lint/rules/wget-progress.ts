import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { insertAt } from '../edits.js';

/** hadolint DL3047: wget's default progress bar writes a line per update into the build log (megabytes for a big file). */
export const rule = defineRule({
  meta: {
    id: 'wget-progress',
    aliases: ['DL3047'],
    description: 'wget without --progress (or -q/-nv) floods the build log',
    category: 'style',
    visits: ['Run'],
    setup: 'run',
    severity: 'info',
    fixable: 'fix',
    messages: { progress: 'wget without `--progress` writes its progress bar into the build log; add `--progress=dot:giga` (or `-q`/`-nv`).' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of commands(node, 'wget')) {
          if (inv.hasFlag('-q', '--quiet', '-nv', '--no-verbose', '-o', '--output-file', '-a', '--append-output') || inv.args.some((a) => a.value.startsWith('--progress') || /^-[a-zA-Z]*q/.test(a.value))) continue;
          const name = inv.argv[0];
          if (!name) continue;
          ctx.report({ range: inv.command.range, messageId: 'progress', fix: () => [insertAt(name.range.end.offset, ' --progress=dot:giga')] });
        }
      },
    };
  },
});

import { defineRule } from '../define-rule.js';

/** `a | b` fails only when b fails: a failing download piped into a shell or tar passes the build. */
export const rule = defineRule({
  meta: {
    id: 'pipefail',
    aliases: ['DL4006'],
    description: 'Set -o pipefail before RUN with a pipe',
    category: 'correctness',
    visits: ['Run', 'Shell'],
    severity: 'warning',
    messages: { pipe: 'This RUN pipes commands, and a failure before the last `|` is ignored; add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `set -o pipefail &&`).' },
  },
  create(ctx) {
    const pipefail = new Set<number>();
    return {
      Shell(node) {
        if (/pipefail/.test(node.argsText)) pipefail.add(node.stageIndex);
        else pipefail.delete(node.stageIndex);
      },
      Run(node) {
        if (!node.shell || pipefail.has(node.stageIndex) || /set\s+-[a-z]*o\s+pipefail|-o\s+pipefail/.test(node.shell.text)) return;
        const hasPipe = (cmd: { type: string }): boolean => cmd.type === 'Pipeline';
        const walk = (list: import('../../dockerfile/index.js').ShellList): boolean =>
          list.items.some((i) => {
            const c = i.command;
            if (hasPipe(c)) return true;
            if (c.type === 'AndOr') return hasPipe(c.left) || hasPipe(c.right) || (c.left.type === 'AndOr' && walk({ type: 'List', range: c.range, items: [{ command: c.left, separator: null }] }));
            return false;
          });
        if (walk(node.shell.body)) ctx.report({ range: node.range, messageId: 'pipe' });
      },
    };
  },
});

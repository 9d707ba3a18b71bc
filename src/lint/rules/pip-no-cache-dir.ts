import { type Instruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { insertAt } from '../edits.js';

const pips = ['pip', 'pip3', 'pip2'];

/** pip keeps every wheel it downloaded in ~/.cache/pip: dead weight in an image. */
export const rule = defineRule({
  meta: {
    id: 'pip-no-cache-dir',
    aliases: ['DL3042'],
    description: 'pip install without --no-cache-dir leaves its download cache in the layer',
    category: 'size',
    visits: ['Env', 'Run'],
    severity: 'warning',
    fixable: 'fix',
    messages: { missing: 'pip install keeps its cache in the image; add --no-cache-dir (or use a cache mount).' },
  },
  create(ctx) {
    const noCacheEnv = new Set<number>();
    const envSays = (ins: Instruction): boolean =>
      ins.keyword === 'Env' && ins.pairs.some((p) => p.key.value === 'PIP_NO_CACHE_DIR' && !/^["']?(0|false|off|no)?["']?$/i.test(p.value.value));
    return {
      Env(node) {
        if (envSays(node)) noCacheEnv.add(node.stageIndex);
      },
      Run(node) {
        const shell = node.shell;
        if (!shell || noCacheEnv.has(node.stageIndex)) return;
        if (node.flags.some((f) => f.mount?.type === 'cache' && (f.mount.get('target') ?? '').includes('.cache'))) return;
        for (const pip of pips) {
          for (const inv of commands(node, pip, 'install')) {
            if (inv.hasFlag('--no-cache-dir')) continue;
            const sub = inv.subcommand;
            if (!sub) continue;
            ctx.report({ range: inv.command.range, messageId: 'missing', fix: () => [insertAt(sub.range.end.offset, ' --no-cache-dir')] });
          }
        }
      },
    };
  },
});

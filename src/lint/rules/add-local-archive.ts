import { posix } from 'node:path';
import type { CopyInstruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';

const archive = /\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz)$/i;

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2');
}

/**
 * hadolint DL3010: a local tar archive COPYed in and then extracted by a RUN stays in the COPY layer for good;
 * `ADD archive.tar.gz /dest/` extracts it in one layer and keeps only the files.
 */
export const rule = defineRule({
  meta: {
    id: 'add-local-archive',
    aliases: ['DL3010'],
    description: 'A local tar archive is COPYed, then extracted by a RUN: ADD extracts it without keeping the archive',
    category: 'size',
    visits: ['Copy', 'Run'],
    severity: 'info',
    messages: { extract: '`{{archive}}` is copied and then extracted, so the archive stays in a layer; `ADD {{archive}} <dir>/` extracts it in one step.' },
  },
  create(ctx) {
    const copied = new Map<number, { node: CopyInstruction; name: string; source: string }[]>();
    return {
      Copy(node) {
        if (node.flags.some((f) => f.name === 'from')) return;
        for (const s of node.sources) {
          const source = unquote(s.value);
          if (!archive.test(source) || source.includes('*') || /^[a-z]+:\/\//i.test(source)) continue;
          let list = copied.get(node.stageIndex);
          if (!list) copied.set(node.stageIndex, (list = []));
          list.push({ node, name: posix.basename(source), source });
        }
      },
      Run(node) {
        const list = copied.get(node.stageIndex);
        if (!list || !node.shell) return;
        for (const tar of commands(node, 'tar')) {
          const extracts = tar.args.some((a) => a.value === '--extract' || a.value === '--get' || /^-?[a-zA-Z]*x/.test(a.value) && !a.value.startsWith('--'));
          if (!extracts) continue;
          for (const c of list) {
            if (!tar.args.some((a) => unquote(a.value).endsWith(c.name))) continue;
            ctx.report({ range: c.node.range, messageId: 'extract', data: { archive: c.source } });
            list.splice(list.indexOf(c), 1);
            break;
          }
        }
      },
    };
  },
});

import { posix } from 'node:path';
import type { CopyInstruction } from '../../dockerfile/index.js';
import { dockerignoreOf } from '../build-context.js';
import { defineRule } from '../define-rule.js';

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2');
}

/** BuildKit's CopyIgnoredFile: a source `.dockerignore` excludes is not in the context, so the COPY fails or copies nothing. */
export const rule = defineRule({
  meta: {
    id: 'copy-ignored-file',
    aliases: ['buildkit:CopyIgnoredFile'],
    description: 'COPY/ADD names a source that .dockerignore excludes from the build context',
    category: 'correctness',
    visits: ['Add', 'Copy'],
    severity: 'warning',
    messages: { ignored: '`{{source}}` is excluded by .dockerignore, so it is not in the build context; remove it from .dockerignore or from the {{keyword}}.' },
  },
  create(ctx) {
    const files = ctx.files;
    const ignore = files ? dockerignoreOf(files) : null;
    const check = (node: CopyInstruction): void => {
        if (!ignore || node.flags.some((f) => f.name === 'from') || node.heredocs.length > 0) return;
        for (const s of node.sources) {
          const source = unquote(s.value);
          if (source.includes('$') || /^[a-z]+:\/\//i.test(source) || /^git@/.test(source)) continue;
          const path = posix.normalize(source).replace(/^\/+/, '').replace(/\/+$/, '');
          if (path === '' || path === '.' || path.startsWith('..') || /[*?[]/.test(path)) continue;
          if (ignore.ignores(path)) ctx.report({ range: s.range, messageId: 'ignored', data: { source, keyword: node.keywordText.toUpperCase() } });
        }
    };
    return { Copy: check, Add: check };
  },
});

import { defineRule } from '../define-rule.js';

/** A relative WORKDIR depends on every earlier WORKDIR and on the base image's: say where you mean. */
export const rule = defineRule({
  meta: {
    id: 'absolute-workdir',
    aliases: ['DL3000', 'DS-0009', 'buildkit:WorkdirRelativePath'],
    description: 'WORKDIR should be an absolute path',
    category: 'correctness',
    visits: ['Workdir'],
    setup: 'run',
    severity: 'error',
    messages: { relative: 'WORKDIR `{{path}}` is relative: it resolves against whatever directory came before. Use an absolute path.' },
  },
  create(ctx) {
    return {
      Workdir(node) {
        const path = node.argsText.trim().replace(/^["']|["']$/g, '');
        if (path === '' || path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:[\\/]/.test(path)) return;
        ctx.report({ range: node.argsRange, messageId: 'relative', data: { path } });
      },
    };
  },
});

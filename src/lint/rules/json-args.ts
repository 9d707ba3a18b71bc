import { defineRule } from '../define-rule.js';

/** Shell-form CMD/ENTRYPOINT run under `/bin/sh -c`: the app is not PID 1 and never sees SIGTERM. */
export const rule = defineRule({
  meta: {
    id: 'json-args',
    aliases: ['DL3025', 'buildkit:JSONArgsRecommended'],
    description: 'CMD and ENTRYPOINT should use the JSON (exec) form',
    category: 'correctness',
    visits: ['Cmd', 'Entrypoint'],
    severity: 'warning',
    messages: { shell: '{{keyword}} in shell form runs under `/bin/sh -c`, so signals do not reach the program; use the JSON form `{{keyword}} ["…", "…"]`.' },
  },
  create(ctx) {
    const check = (node: { json: boolean; argsText: string; keywordText: string; range: import('../../dockerfile/index.js').Range }): void => {
      if (node.json || node.argsText.trim() === '') return;
      ctx.report({ range: node.range, messageId: 'shell', data: { keyword: node.keywordText.toUpperCase() } });
    };
    return { Cmd: check, Entrypoint: check };
  },
});

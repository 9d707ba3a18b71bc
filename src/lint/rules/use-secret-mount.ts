import { walkCommands } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { looksSecret } from './secrets-in-env-arg.js';

const authInText = /(_authToken|_auth|:\/\/[^/\s@]*:[^/\s@]+@|x-access-token|Authorization:\s*(Bearer|token|Basic))/i;

/** A token a RUN reads from an ARG or ENV, or writes into a file, stays in the image's history or layers. */
export const rule = defineRule({
  meta: {
    id: 'use-secret-mount',
    aliases: [],
    description: 'A RUN uses a credential that should come from a BuildKit secret mount',
    category: 'security',
    severity: 'error',
    messages: {
      variable: 'This RUN reads `${{name}}`, a credential from an ARG or ENV: use `RUN --mount=type=secret,id={{id}},env={{name}}` so it never lands in the image.',
      inline: 'This RUN writes or sends a credential (`{{text}}`): pass it with `RUN --mount=type=secret` instead.',
    },
  },
  create(ctx) {
    const declared = new Set<string>();
    return {
      Arg(node) {
        for (const d of node.declarations) if (looksSecret(d.name)) declared.add(d.name);
      },
      Env(node) {
        for (const p of node.pairs) if (looksSecret(p.key.value)) declared.add(p.key.value);
      },
      Run(node) {
        if (!node.shell || node.flags.some((f) => f.mount?.type === 'secret')) return;
        let reported = false;
        walkCommands(node.shell, (c) => {
          if (reported) return;
          for (const w of [...c.words, ...c.assignments.flatMap((a) => (a.value ? [a.value] : []))]) {
            for (const m of w.text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
              const name = m[1] ?? '';
              if (declared.has(name)) {
                ctx.report({ range: w.range, messageId: 'variable', data: { name, id: name.toLowerCase().replace(/_/g, '-') } });
                reported = true;
                return;
              }
            }
            const hit = authInText.exec(w.value);
            if (hit) {
              ctx.report({ range: w.range, messageId: 'inline', data: { text: hit[0] } });
              reported = true;
              return;
            }
          }
        });
      },
    };
  },
});

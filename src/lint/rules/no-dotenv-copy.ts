import { defineRule } from '../define-rule.js';
import { dockerignoreOf } from '../build-context.js';

const dotenv = /(^|\/)\.env(\.[\w-]+)?$/;
const example = /\.(example|sample|template|dist)$/;

/** `.env` files hold local credentials; copied into an image they ship to everyone who pulls it. */
export const rule = defineRule({
  meta: {
    id: 'no-dotenv-copy',
    aliases: [],
    description: 'A .env file is copied into the image',
    category: 'security',
    visits: ['Copy'],
    severity: 'error',
    messages: {
      named: '`{{file}}` is copied into the image: environment files hold secrets. Pass settings at run time instead.',
      context: 'The context holds `{{file}}` and this copies the whole context; add `{{file}}` to .dockerignore.',
    },
  },
  create(ctx) {
    const files = ctx.files;
    const ignore = files ? dockerignoreOf(files) : null;
    const present = files ? ['.env', '.env.local', '.env.production'].filter((f) => files.exists(f) && !(ignore?.ignores(f) ?? false)) : [];
    return {
      Copy(node) {
        if (node.flags.some((f) => f.name === 'from')) return;
        for (const s of node.sources) {
          const v = s.value.replace(/^["']|["']$/g, '');
          if (dotenv.test(v) && !example.test(v)) ctx.report({ range: s.range, messageId: 'named', data: { file: v } });
          else if ((v === '.' || v === './' || v === '*') && present[0] !== undefined) ctx.report({ range: s.range, messageId: 'context', data: { file: present[0] } });
        }
      },
    };
  },
});

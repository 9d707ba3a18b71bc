import type { Argument } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';

/** Name parts that mark a secret (BuildKit's list, with the usual spellings); `public` clears it. */
const secretPart = /(?:^|_|-)(?:api_?key|apikey|auth|credentials?|key|password|passwd|pword|pwd|secret|token|private_?key|access_?key)(?:$|_|-)/i;
const notSecret = /(?:^|_)(public|file|path|dir|url|host|port|user(name)?|id|type|name|version|length|size|header)(?:$|_)/i;

/** Whether a variable name suggests it holds a secret. */
export function looksSecret(name: string): boolean {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  return secretPart.test(snake) && !notSecret.test(snake);
}

/** ARG and ENV values are stored in the image's config and history, readable by anyone who pulls it. */
export const rule = defineRule({
  meta: {
    id: 'secrets-in-env-arg',
    aliases: ['DS-0031', 'buildkit:SecretsUsedInArgOrEnv'],
    description: 'A secret is passed through ARG or ENV, where the image keeps it',
    category: 'security',
    severity: 'error',
    messages: {
      secret: '{{keyword}} `{{name}}` looks like a secret: ARG and ENV values stay in the image metadata. Pass it with `RUN --mount=type=secret,id={{id}}` instead.',
    },
  },
  create(ctx) {
    const report = (keyword: string, name: string, arg: { range: Argument['range'] }): void => {
      ctx.report({ range: arg.range, messageId: 'secret', data: { keyword, name, id: name.toLowerCase().replace(/_/g, '-') } });
    };
    return {
      Env(node) {
        for (const p of node.pairs) if (looksSecret(p.key.value)) report('ENV', p.key.value, p);
      },
      Arg(node) {
        for (const d of node.declarations) if (looksSecret(d.name)) report('ARG', d.name, d);
      },
    };
  },
});

import type { Argument, Instruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { removeInstruction } from '../edits.js';
import { looksSecretName } from '../../internal/secret-name.js';

/** The BuildKit secret id a secret variable becomes (`NPM_TOKEN` → `npm-token`). */
export function secretId(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`\\$\\{?${name}(?![A-Za-z0-9_])`).test(text);
}

/** Whether every use of `name` in the stage is a RUN that mounts the secret of the same id (after use-secret-mount's fix). */
function onlyReadFromSecret(instructions: readonly Instruction[], name: string): boolean {
  let used = false;
  for (const i of instructions) {
    const mounted = i.keyword === 'Run' && i.flags.some((f) => f.mount?.type === 'secret' && f.mount.get('id') === secretId(name));
    if (mounted) used = true;
    else if (mentions(i.argsText, name) || i.heredocs.some((h) => mentions(h.content, name))) return false;
  }
  return used;
}

/** ARG and ENV values are stored in the image's config and history, readable by anyone who pulls it. */
export const rule = defineRule({
  meta: {
    id: 'secrets-in-env-arg',
    aliases: ['DS-0031', 'buildkit:SecretsUsedInArgOrEnv'],
    description: 'A secret is passed through ARG or ENV, where the image keeps it',
    category: 'security',
    visits: ['Arg', 'Env'],
    severity: 'error',
    fixable: 'suggestion',
    messages: {
      secret: '{{keyword}} `{{name}}` looks like a secret: ARG and ENV values stay in the image metadata. Pass it with `RUN --mount=type=secret,id={{id}}` instead.',
    },
  },
  create(ctx) {
    const report = (keyword: string, name: string, arg: { range: Argument['range'] }, remove?: Instruction): void => {
      ctx.report({
        range: arg.range,
        messageId: 'secret',
        data: { keyword, name, id: secretId(name) },
        ...(remove ? { suggestion: { description: `drop ARG ${name}: its RUNs read the secret mount`, edits: () => [removeInstruction(ctx.source, remove)] } } : {}),
      });
    };
    return {
      Env(node) {
        for (const p of node.pairs) if (looksSecretName(p.key.value)) report('ENV', p.key.value, p);
      },
      Arg(node) {
        const stage = ctx.dockerfile.stages[node.stageIndex];
        for (const d of node.declarations) {
          if (!looksSecretName(d.name)) continue;
          // once every RUN reading it mounts the secret instead (use-secret-mount's suggestion), the ARG can go
          const removable = stage !== undefined && node.declarations.length === 1 && d.defaultValue === null && onlyReadFromSecret(stage.instructions, d.name);
          report('ARG', d.name, d, removable ? node : undefined);
        }
      },
    };
  },
});

import { dockerignoreOf } from '../build-context.js';
import { defineRule } from '../define-rule.js';

const heavy = ['.git', 'node_modules', '.venv', 'target', '__pycache__'];

/** Without a .dockerignore the whole directory (.git, node_modules, local secrets) goes to the builder. */
export const rule = defineRule({
  meta: {
    id: 'missing-dockerignore',
    aliases: [],
    description: 'The build context has no .dockerignore, or it lets .git / node_modules in',
    category: 'cache',
    visits: ['Dockerfile:exit'],
    setup: 'run',
    severity: 'warning',
    messages: {
      missing: 'The context has `{{dir}}` and no .dockerignore: it is sent to the builder and invalidates `COPY . .` on every change. Add a .dockerignore.',
      notIgnored: 'The context has `{{dir}}` and .dockerignore does not exclude it; add `{{dir}}` to .dockerignore.',
    },
  },
  create(ctx) {
    return {
      'Dockerfile:exit'(df) {
        const files = ctx.files;
        const first = df.stages[0];
        if (!files || !first) return;
        const copiesContext = df.instructions.some((i) => (i.keyword === 'Copy' || i.keyword === 'Add') && !i.flags.some((f) => f.name === 'from') && i.sources.some((s) => s.value === '.' || s.value === './' || s.value === '*'));
        if (!copiesContext) return;
        const present = heavy.filter((d) => files.exists(d));
        const ignore = dockerignoreOf(files);
        const copy = df.instructions.find((i) => (i.keyword === 'Copy' || i.keyword === 'Add') && i.sources.some((s) => s.value === '.' || s.value === './'));
        const range = copy?.range ?? first.from.range;
        if (!ignore) {
          const dir = present[0];
          if (dir !== undefined) ctx.report({ range, messageId: 'missing', data: { dir } });
          return;
        }
        for (const dir of present) if (!ignore.ignores(dir) && !ignore.ignores(`${dir}/x`)) ctx.report({ range, messageId: 'notIgnored', data: { dir } });
      },
    };
  },
});

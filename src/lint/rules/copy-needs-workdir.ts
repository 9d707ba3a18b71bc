import type { Dockerfile, Stage } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';

/** True when the stage, or a stage it builds on, sets WORKDIR before instruction `before`. */
function workdirSet(df: Dockerfile, stage: Stage, before: number): boolean {
  if (stage.instructions.some((i) => i.keyword === 'Workdir' && i.range.start.offset < before)) return true;
  const parent = stage.baseStage === null ? undefined : df.stages[stage.baseStage];
  return parent !== undefined && parent !== stage && workdirSet(df, parent, Number.POSITIVE_INFINITY);
}

function unquote(value: string): string {
  // most destinations are not quoted: no regular expression for them
  const first = value.charCodeAt(0);
  if (first !== 34 && first !== 39) return value;
  return value.replace(/^(["'])(.*)\1$/, '$2');
}

/** hadolint DL3045: a relative destination lands in whatever working directory the base image happens to set. */
export const rule = defineRule({
  meta: {
    id: 'copy-needs-workdir',
    aliases: ['DL3045'],
    description: 'COPY to a relative destination in a stage that never sets WORKDIR',
    category: 'correctness',
    visits: ['Copy'],
    setup: 'run',
    severity: 'warning',
    messages: { relative: '`{{destination}}` is relative, but this stage sets no WORKDIR: it depends on the base image’s working directory; set WORKDIR or use an absolute path.' },
  },
  create(ctx) {
    return {
      Copy(node) {
        const dest = node.destination;
        const stage = ctx.dockerfile.stages[node.stageIndex];
        if (!dest || !stage) return;
        const value = unquote(dest.value);
        if (value.startsWith('/') || value.startsWith('$') || /^[A-Za-z]:[\\/]/.test(value)) return;
        if (workdirSet(ctx.dockerfile, stage, node.range.start.offset)) return;
        ctx.report({ range: dest.range, messageId: 'relative', data: { destination: value } });
      },
    };
  },
});

import type { Instruction, Stage } from '../../dockerfile/index.js';
import { isAlpine, isDistroless, rootImageOf } from '../base-image.js';
import { defineRule } from '../define-rule.js';
import { goSplitPlan } from '../split-stages.js';
import { insertAt, newlineOf, replaceRange } from '../edits.js';

const rootNames = new Set(['root', '0', 'root:root', '0:0', 'root:0', '0:root']);

/** The stages from the first image up to `stage`, following `FROM <stage>`. */
function chain(stages: readonly Stage[], stage: Stage): Stage[] {
  const out: Stage[] = [stage];
  let s = stage;
  while (s.baseStage !== null && out.length < 100) {
    const parent = stages[s.baseStage];
    if (!parent) break;
    out.unshift(parent);
    s = parent;
  }
  return out;
}

/** A container running as root turns any escape or write bug into root on the host's terms. */
export const rule = defineRule({
  meta: {
    id: 'no-root-user',
    aliases: ['DL3002', 'DS-0002'],
    description: 'The image runs as root: no USER in the final stage, or the last USER is root',
    category: 'security',
    visits: ['Dockerfile:exit'],
    setup: 'run',
    severity: 'warning',
    fixable: 'suggestion',
    messages: {
      noUser: 'The final stage sets no USER, so the container runs as root; create an unprivileged user and switch to it.',
      root: 'The last USER of the final stage is root; switch to an unprivileged user before the command runs.',
    },
  },
  create(ctx) {
    return {
      'Dockerfile:exit'(df) {
        const final = ctx.finalStage;
        if (!final) return;
        const users: Instruction[] = [];
        for (const s of chain(df.stages, final)) for (const i of s.instructions) if (i.keyword === 'User') users.push(i);
        const last = users[users.length - 1];
        const base = rootImageOf(df, final);
        // a scratch image that runs nothing (data, a layer to copy from) has no one to run as; one that runs a program
        // runs it as uid 0 unless told otherwise, and a numeric USER needs no /etc/passwd there
        const runs = chain(df.stages, final).some((s) => s.instructions.some((i) => i.keyword === 'Cmd' || i.keyword === 'Entrypoint'));
        if (base.kind === 'scratch' && !last && !runs) return;
        if (last) {
          if (!rootNames.has(last.argsText.trim().toLowerCase())) return;
          const earlier = [...users].reverse().find((u) => !rootNames.has(u.argsText.trim().toLowerCase()));
          ctx.report({
            range: last.range,
            messageId: 'root',
            ...(earlier ? { suggestion: { description: `switch back to ${earlier.argsText.trim()}`, edits: () => [replaceRange(last.argsRange, earlier.argsText.trim())] } } : {}),
          });
          return;
        }
        if (base.kind === 'image' && /nonroot|non-root|rootless/.test(base.ref?.tag ?? '')) return;
        // no-multi-stage's split gives the image a distroless `:nonroot` runtime stage: a user here would be in the builder
        const splits = goSplitPlan(df, ctx.source) !== null;
        const nl = newlineOf(ctx.source);
        // the official node images ship a `node` user (uid 1000): switching to it adds no layer
        const text = isDistroless(base)
          ? `USER nonroot${nl}`
          : base.kind === 'image' && base.repo === 'node' && !isAlpine(base)
            ? `USER node${nl}`
            : isAlpine(base)
              ? `RUN addgroup -S app && adduser -S -G app -H app${nl}USER app${nl}`
              : base.kind === 'image' && /^(python|debian|ubuntu|ruby|php|openjdk|eclipse-temurin|golang|rust|buildpack-deps|httpd|nginx)$/.test(base.repo)
                ? `RUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app${nl}USER app${nl}`
                : `USER 65532:65532${nl}`;
        const anchor = final.instructions.find((i) => i.keyword === 'Cmd' || i.keyword === 'Entrypoint' || i.keyword === 'Healthcheck');
        const at = anchor ? anchor.range.start.offset : final.range.end.offset;
        const lead = anchor ? '' : ctx.source.slice(0, at).endsWith('\n') ? '' : nl;
        ctx.report({
          range: final.from.range,
          messageId: 'noUser',
          ...(splits ? {} : { suggestion: { description: 'add a non-root user', edits: () => [insertAt(at, lead + (anchor ? text : text.slice(0, -nl.length)))] } }),
        });
      },
    };
  },
});

import type { Dockerfile, Instruction, Stage, TextEdit } from '../../dockerfile/index.js';
import { isAlpine, isDistroless, rootImageOf } from '../base-image.js';
import { defineRule } from '../define-rule.js';
import { readPragmas } from '../pragmas.js';
import { goSplitPlan } from '../split-stages.js';
import { asOneEdit, danglingEscape, endsInOpenHeredoc, indentAt, insertAt, mayEndEarly, newlineOf, replaceRange, scriptEnd } from '../edits.js';

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

/**
 * Where the commands that create the user can join the RUN right before `at` rather than make a RUN of their own,
 * which would follow that RUN directly and draw consecutive-run (so `--fix=all` would leave a finding of its own
 * making). A RUN consecutive-run would pair a new one with: shell form, no flags, no heredocs, no comment line
 * between. The place is the end of its script's last command, before a trailing `;` or `# comment`, and the text
 * joins with `&&` (`a || b && c` is `(a || b) && c`). `undefined` for other RUNs, for a script that does not parse,
 * ends in a background job (`&`), or may `exec` or `exit` with success before reaching its end.
 */
function joinPoint(df: Dockerfile, final: Stage, at: number): { run: Instruction; offset: number } | undefined {
  let prev: Instruction | undefined;
  for (const i of final.instructions) if (i.range.end.offset <= at) prev = i;
  if (prev?.keyword !== 'Run' || prev.json || prev.flags.length > 0) return undefined;
  if (df.source.slice(prev.range.end.offset, at).includes('#')) return undefined;
  const offset = scriptEnd(prev);
  if (offset === undefined || !prev.shell || mayEndEarly(prev)) return undefined;
  return { run: prev, offset };
}

/**
 * Where the USER goes above `anchor`: above the comment lines directly over it (no blank line between), which are
 * about it, and above all the comment lines the parser gives it (those after the instruction before) when one is an
 * ignore pragma, which applies to `anchor` only while no line comes between them.
 */
function placeAbove(df: Dockerfile, stage: Stage, anchor: Instruction): number {
  const start = anchor.range.start.offset;
  if (anchor.comments.length === 0) return start;
  let after = stage.from.range.end.offset;
  for (const i of stage.instructions) if (i.range.end.offset <= start) after = i.range.end.offset;
  const own = df.comments.filter((c) => !c.inInstruction && c.range.start.offset > after && c.range.start.offset < start);
  let k = own.length;
  if (readPragmas(df).forInstruction(anchor) !== undefined) k = 0;
  else for (let line = anchor.range.start.line - 1; k > 0 && own[k - 1]?.range.start.line === line; line--) k--;
  const first = own[k];
  // from the start of its line: its indentation goes with it
  return first ? first.range.start.offset - (first.range.start.column - 1) : start;
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
        const debianFamily = base.kind === 'image' && /^(python|debian|ubuntu|ruby|php|openjdk|eclipse-temurin|golang|rust|buildpack-deps|httpd|nginx)$/.test(base.repo);
        // the commands that create the user (none where the base has one) and the user to switch to; the official
        // node images ship a `node` user (uid 1000): switching to it adds no layer
        const [create, user]: [string | null, string] = isDistroless(base)
          ? [null, 'nonroot']
          : base.kind === 'image' && base.repo === 'node' && !isAlpine(base)
            ? [null, 'node']
            : isAlpine(base)
              ? ['addgroup -S app && adduser -S -G app -H app', 'app']
              : debianFamily
                ? ['groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app', 'app']
                : [null, '65532:65532'];
        const anchor = final.instructions.find((i) => i.keyword === 'Cmd' || i.keyword === 'Entrypoint' || i.keyword === 'Healthcheck');
        const at = anchor ? placeAbove(df, final, anchor) : final.range.end.offset;
        const lead = anchor ? '' : df.source.slice(0, at).endsWith('\n') ? '' : nl;
        const join = create === null ? undefined : joinPoint(df, final, at);
        const lines = [...(create !== null && join === undefined ? [`RUN ${create}`] : []), `USER ${user}`].join(nl);
        // a stage that ends the file may end in a line continuation BuildKit ends there: the lines added after it would
        // join its last instruction, so the escape goes (the instruction means the same without it)
        const lastOfStage = final.instructions[final.instructions.length - 1] ?? final.from;
        const dangling = anchor ? undefined : danglingEscape(df.source, df.escapeChar, lastOfStage);
        // after a heredoc with no terminator the new lines would be its body: no edit can add them as instructions
        // without choosing where the body ends
        const openHeredoc = !anchor && endsInOpenHeredoc(lastOfStage);
        const edits = (): TextEdit[] => {
          const switchUser = anchor ? lines + nl : lead + lines;
          const unescape: TextEdit[] = dangling ? [{ range: { start: { offset: dangling.start }, end: { offset: dangling.end } }, text: '' }] : [];
          if (create === null || join === undefined) return unescape.length > 0 ? [asOneEdit(df.source, [...unescape, insertAt(at, switchUser)])] : [insertAt(at, switchUser)];
          // a line of its own, continued and indented like the RUN's last line (four spaces after the keyword's line)
          const { run, offset } = join;
          const indent = (run.range.start.line === run.range.end.line ? '' : indentAt(df.source, offset)) || '    ';
          const joined = ` ${df.escapeChar}${nl}${indent}&& ${create}`;
          // a RUN that ends the stage ends where the USER goes: one edit (two inserts at one offset conflict)
          if (offset === at || unescape.length > 0) return [asOneEdit(df.source, [insertAt(offset, joined), ...unescape, insertAt(at, switchUser)])];
          return [insertAt(offset, joined), insertAt(at, switchUser)];
        };
        ctx.report({
          range: final.from.range,
          messageId: 'noUser',
          ...(splits || openHeredoc ? {} : { suggestion: { description: 'add a non-root user', edits } }),
        });
      },
    };
  },
});

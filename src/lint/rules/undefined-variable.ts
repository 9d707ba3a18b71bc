import { builtinArgs, proxyArgs, variablesAt, type Instruction, type Range } from '../../dockerfile/index.js';
import { rootImageOf } from '../base-image.js';
import { defineRule } from '../define-rule.js';

/** `$NAME` and `${NAME…}` not escaped; `${NAME:-x}`-style defaults are fine undefined. */
const reference = /(?<!\\)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Instructions whose arguments BuildKit expands itself (RUN bodies are the shell's business). */
const expanded = new Set(['Add', 'Copy', 'Env', 'Expose', 'Label', 'Stopsignal', 'User', 'Volume', 'Workdir', 'Arg']);

// BuildKit gives every stage a PATH, scratch included (/usr/local/sbin:…:/bin when the base sets none), so
// `ENV PATH="/opt/venv/bin:$PATH"` in a stage after one that set PATH extends the stage's own
const predefined = new Set<string>([...proxyArgs, ...builtinArgs, 'PATH']);

interface Use {
  name: string;
  range: Range;
}

const noUses: Use[] = [];

/** Variable references in `text`, which starts at `range`'s offset on one line (the range is narrowed when it can be). */
function uses(text: string, at: Range): Use[] {
  // most arguments hold no variable at all
  if (!text.includes('$')) return noUses;
  const out: Use[] = [];
  // exec in a loop rather than matchAll: no iterator and no copy of the regular expression per call
  reference.lastIndex = 0;
  for (let m = reference.exec(text); m !== null; m = reference.exec(text)) {
    if (m[2] !== undefined) continue;
    const name = m[1] ?? m[3] ?? '';
    out.push({ name, range: at });
  }
  return out;
}

/**
 * A variable used where BuildKit expands it but that is not defined there expands to nothing. Reported when it is
 * knowable offline: in FROM (only global ARGs count), when the name is declared somewhere else in the Dockerfile
 * (a global ARG not re-declared in the stage, an ARG declared later, another stage's ENV), or when the stage starts
 * from scratch (no base image ENV can define it).
 */
export const rule = defineRule({
  meta: {
    id: 'undefined-variable',
    aliases: ['buildkit:UndefinedVar', 'buildkit:UndefinedArgInFrom', 'DL3044'],
    description: 'A variable is used where it is not defined, so it expands to an empty string',
    category: 'correctness',
    visits: ['Dockerfile', 'From'],
    severity: 'warning',
    messages: {
      fromArg: '`${{name}}` in FROM is not a global ARG (declare `ARG {{name}}` before the first FROM), so it expands to an empty string.',
      global: '`${{name}}` is a global ARG, which a stage sees only after re-declaring it: add `ARG {{name}}` in this stage.',
      elsewhere: '`${{name}}` is not defined at this point ({{where}}), so it expands to an empty string.',
      sameStatement: '`${{name}}` refers to a variable this same ENV defines: ENV expands with the values from before the instruction; split it in two.',
      undefined: '`${{name}}` is not defined (the stage starts from scratch, so no base image defines it), so it expands to an empty string.',
    },
  },
  create(ctx) {
    // every report is about a `$` reference: a file without one needs no set-up (most of them)
    if (!ctx.source.includes('$')) return {};
    const df = ctx.dockerfile;
    const globalArgs = new Set<string>();
    // the instruction that first declares each name; the message's `where` text is made only when reported
    const declaredIn = new Map<string, Instruction>();
    for (const ins of df.instructions) {
      if (ins.keyword === 'Arg') {
        for (const d of ins.declarations) {
          if (ins.stageIndex < 0) globalArgs.add(d.name);
          else if (!declaredIn.has(d.name)) declaredIn.set(d.name, ins);
        }
      } else if (ins.keyword === 'Env') {
        for (const p of ins.pairs) if (!declaredIn.has(p.key.value)) declaredIn.set(p.key.value, ins);
      }
    }
    const where = (by: Instruction): string => `${by.keyword === 'Arg' ? 'declared by ARG' : 'set by ENV'} on line ${String(by.range.start.line)}`;
    const scratchStage = new Map<number, boolean>();
    const fromScratch = (stageIndex: number): boolean => {
      let known = scratchStage.get(stageIndex);
      if (known === undefined) {
        const stage = df.stages[stageIndex];
        known = stage !== undefined && rootImageOf(df, stage).kind === 'scratch';
        scratchStage.set(stageIndex, known);
      }
      return known;
    };

    const check = (node: Instruction, text: string): void => {
      const found = uses(text, node.range);
      if (found.length === 0) return;
      const visible = variablesAt(df, node);
      const reported = new Set<string>();
      for (const u of found) {
        if (visible.has(u.name) || predefined.has(u.name) || reported.has(u.name)) continue;
        reported.add(u.name);
        const data = { name: u.name };
        if (node.keyword === 'From') {
          ctx.report({ range: node.range, messageId: 'fromArg', data });
          continue;
        }
        if (node.keyword === 'Env') {
          const own = node.pairs.findIndex((p) => p.key.value === u.name);
          if (own !== -1 && node.pairs.slice(own + 1).some((p) => uses(p.value.value, node.range).some((x) => x.name === u.name))) {
            ctx.report({ range: node.range, messageId: 'sameStatement', data });
            continue;
          }
        }
        const elsewhere = declaredIn.get(u.name);
        if (globalArgs.has(u.name)) ctx.report({ range: node.range, messageId: 'global', data });
        else if (elsewhere !== undefined && elsewhere !== node) ctx.report({ range: node.range, messageId: 'elsewhere', data: { ...data, where: where(elsewhere) } });
        else if (fromScratch(node.stageIndex)) ctx.report({ range: node.range, messageId: 'undefined', data });
      }
    };

    return {
      From(node) {
        const platform = node.flags.find((f) => f.name === 'platform')?.value ?? '';
        check(node, `${node.image?.value ?? ''} ${platform}`);
      },
      Dockerfile(file) {
        for (const ins of file.instructions) {
          if (ins.stageIndex < 0 || !expanded.has(ins.keyword)) continue;
          if (ins.keyword === 'Arg') check(ins, ins.declarations.map((d) => d.defaultValue ?? '').join(' '));
          else if (ins.keyword === 'Copy' || ins.keyword === 'Add') {
            const flags = ins.flags.filter((f) => (f.name === 'chown' || f.name === 'chmod') && f.value?.includes('$'));
            // without a `$` in the arguments or those flags there is nothing to check: skip building the text
            if (flags.length > 0 || ins.argsText.includes('$')) check(ins, [ins.argsText, ...flags.map((f) => f.value ?? '')].join(' '));
          }
          else check(ins, ins.argsText);
        }
      },
    };
  },
});

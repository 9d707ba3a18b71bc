import { allInvocations, type CopyInstruction, type Invocation, type RunInstruction, type Stage } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { insertAt, newlineOf, removeInstruction } from '../edits.js';
import type { ContextFiles } from '../types.js';

interface Install {
  /** The dependency manifests the install reads. */
  manifests: string[];
}

/** What a dependency-install invocation needs from the context, or `null` when it is no such install. */
function installOf(inv: Invocation, files: ContextFiles | null): Install | null {
  const sub = inv.subcommand?.value;
  const lock = (candidates: string[]): string[] => (files ? candidates.filter((f) => files.exists(f)) : candidates.slice(0, 1));
  switch (inv.name) {
    case 'npm':
      if ((sub === 'ci' || sub === 'install' || sub === 'i') && inv.positionals.length === 1) return { manifests: files ? ['package.json', ...lock(['package-lock.json', 'npm-shrinkwrap.json'])] : ['package*.json'] };
      return null;
    case 'yarn':
      if (sub === undefined || sub === 'install') return { manifests: ['package.json', ...lock(['yarn.lock'])] };
      return null;
    case 'pnpm':
      if (sub === 'install' || sub === 'i') return { manifests: ['package.json', ...lock(['pnpm-lock.yaml'])] };
      return null;
    case 'pip':
    case 'pip3': {
      const req = inv.flagValue('-r', '--requirement');
      if (sub === 'install' && req !== undefined && !req.includes('$')) return { manifests: [req] };
      return null;
    }
    case 'go':
      if (sub === 'mod' && inv.positionals[1]?.value === 'download') return { manifests: files ? ['go.mod', ...lock(['go.sum'])] : ['go.*'] };
      return null;
    case 'bundle':
      if (sub === undefined || sub === 'install') return { manifests: ['Gemfile', ...lock(['Gemfile.lock'])] };
      return null;
    case 'composer':
      if (sub === 'install') return { manifests: ['composer.json', ...lock(['composer.lock'])] };
      return null;
    default:
      return null;
  }
}

/** Commands that may sit beside an install without needing the source. */
const harmless = new Set(['cd', 'set', 'echo', 'true', 'export', 'mkdir']);

function copiesWholeContext(ins: CopyInstruction): boolean {
  if (ins.flags.some((f) => f.name === 'from')) return false;
  return ins.sources.some((s) => s.value === '.' || s.value === './' || s.value === '*');
}

function copiesAny(stage: Stage, before: number, names: readonly string[]): boolean {
  return stage.instructions.slice(0, before).some((i) => (i.keyword === 'Copy' || i.keyword === 'Add') && i.sources.some((s) => names.some((n) => s.value.includes(n.replace('*', '')))));
}

/**
 * Copying the whole source before installing dependencies makes every source edit invalidate the install layer:
 * copy the manifests and install first, then the source.
 */
export const rule = defineRule({
  meta: {
    id: 'copy-source-before-install',
    aliases: [],
    description: 'Dependency manifests are not copied and installed before the source (breaks the layer cache)',
    category: 'cache',
    visits: ['Dockerfile'],
    setup: 'run',
    severity: 'warning',
    fixable: 'suggestion',
    messages: {
      order: 'The whole context is copied before `{{command}}`: any source change re-runs the install. Copy {{manifests}} first, install, then copy the source.',
    },
  },
  create(ctx) {
    return {
      Dockerfile(df) {
        for (const stage of df.stages) {
          const all = stage.instructions;
          let copyIndex = -1;
          let copy: CopyInstruction | undefined;
          for (let n = 0; n < all.length && !copy; n++) {
            const i = all[n];
            if (i && (i.keyword === 'Copy' || i.keyword === 'Add') && copiesWholeContext(i)) {
              copyIndex = n;
              copy = i;
            }
          }
          if (!copy) continue;
          for (let n = copyIndex + 1; n < all.length; n++) {
            const run = all[n];
            if (run?.keyword !== 'Run' || !run.shell) continue;
            const invs = allInvocations(run.shell);
            // the first install command of the RUN
            let inv: Invocation | undefined;
            let install: Install | null = null;
            for (const i of invs) {
              install = installOf(i, ctx.files);
              if (install) {
                inv = i;
                break;
              }
            }
            if (!inv || !install) continue;
            if (copiesAny(stage, copyIndex, install.manifests)) break;
            const movable = run.heredocs.length === 0 && invs.every((i) => i === inv || harmless.has(i.name) || installOf(i, ctx.files) !== null);
            ctx.report({
              range: inv.command.range,
              messageId: 'order',
              data: { command: inv.argv.map((w) => w.text).join(' '), manifests: install.manifests.join(', ') },
              ...(movable ? { suggestion: { description: 'copy the manifests and install before the source', edits: () => edits(ctx.source, copy, run, install) } } : {}),
            });
            break;
          }
        }
      },
    };
  },
});

function edits(source: string, copy: CopyInstruction, run: RunInstruction, install: Install): ReturnType<typeof removeInstruction>[] {
  const nl = newlineOf(source);
  const dest = copy.destination?.value ?? './';
  const dir = dest.endsWith('/') ? dest : `${dest}/`;
  const flags = copy.flags.map((f) => source.slice(f.range.start.offset, f.range.end.offset)).join(' ');
  const runText = source.slice(run.range.start.offset, run.range.end.offset);
  const copyLine = `COPY ${flags ? `${flags} ` : ''}${install.manifests.join(' ')} ${dir}`;
  return [insertAt(copy.range.start.offset, `${copyLine}${nl}${runText}${nl}`), removeInstruction(source, run)];
}

import { type Dockerfile, type Invocation, type RunInstruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { insertAt, newlineOf, scriptEnd } from '../edits.js';
import { commands, invocationsOfRun, scriptHasWord } from '../stage-facts.js';

function cachesAptLists(node: RunInstruction): boolean {
  return node.flags.some((f) => f.mount?.type === 'cache' && /\/var\/(lib|cache)\/apt/.test(f.mount.get('target') ?? f.mount.get('dst') ?? f.mount.get('destination') ?? ''));
}

/** apt subcommands that read the package lists `apt-get update` fetched. */
const readLists = ['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'source'];

/** The last apt command of the RUN that reads the lists, if any. */
function lastReader(node: RunInstruction): Invocation | undefined {
  const readers = ['apt-get', 'apt'].flatMap((tool) => readLists.flatMap((sub) => commands(node, tool, sub)));
  return readers.sort((a, b) => a.command.range.end.offset - b.command.range.end.offset).at(-1);
}

/** Whether an invocation is `apt-get`/`apt` with one of `subcommands`. */
function isApt(inv: Invocation, subcommands: readonly string[]): boolean {
  return (inv.name === 'apt-get' || inv.name === 'apt') && subcommands.includes(inv.subcommand?.value ?? '');
}

/**
 * The RUNs of a Dockerfile that read the lists without an update of their own: removing the lists in an earlier RUN
 * of their stage (or of a stage theirs is built on) would break them (`RUN apt-get update` then
 * `RUN apt-get install -y curl`: "Unable to locate package"). A per-file fact, asked for by every RUN with an update:
 * read from each RUN's shared invocation list rather than through `commands`, whose one-entry cache holds the RUN
 * being visited for the rules that follow.
 */
function runsReadingListsWithoutUpdate(df: Dockerfile): ReadonlySet<RunInstruction> {
  const out = new Set<RunInstruction>();
  for (const i of df.instructions) {
    if (i.keyword !== 'Run') continue;
    const all = invocationsOfRun(i);
    if (all.some((inv) => isApt(inv, readLists)) && !all.some((inv) => isApt(inv, ['update']))) out.add(i);
  }
  return out;
}

/** Whether a later RUN of this stage, or of a stage built on it, is one of `readers`. */
function laterRunReadsLists(df: Dockerfile, node: RunInstruction, readers: ReadonlySet<RunInstruction>): boolean {
  if (readers.size === 0) return false;
  const heirs = new Set([node.stageIndex]);
  for (const stage of df.stages) if (stage.baseStage !== null && heirs.has(stage.baseStage)) heirs.add(stage.index);
  for (const run of readers) if (run.range.start.offset > node.range.end.offset && heirs.has(run.stageIndex)) return true;
  return false;
}

/** `apt-get update` leaves ~20–40 MB of package lists in the layer unless the same RUN removes them. */
export const rule = defineRule({
  meta: {
    id: 'apt-lists-not-removed',
    aliases: ['DL3009'],
    description: 'Remove /var/lib/apt/lists in the RUN that ran apt-get update',
    category: 'size',
    visits: ['Run'],
    severity: 'warning',
    fixable: 'fix',
    messages: { missing: 'apt-get update leaves its package lists in this layer; end the RUN with `rm -rf /var/lib/apt/lists/*`.' },
  },
  create(ctx) {
    // per file (no `setup: 'run'`): the RUNs that read the lists without an update, found once when first needed
    let readers: ReadonlySet<RunInstruction> | undefined;
    let readersOf: Dockerfile | undefined;
    return {
      Run(node) {
        const shell = node.shell;
        if (!shell) return;
        const update = commands(node, 'apt-get', 'update')[0] ?? commands(node, 'apt', 'update')[0];
        if (!update || cachesAptLists(node)) return;
        if (scriptHasWord(shell, (v) => v.includes('/var/lib/apt/lists'))) return;
        // the removal is safe only where nothing after it reads the lists: an install in this RUN, none in later ones
        const last = lastReader(node);
        if (last !== undefined && (readers === undefined || readersOf !== ctx.dockerfile)) {
          readers = runsReadingListsWithoutUpdate(ctx.dockerfile);
          readersOf = ctx.dockerfile;
        }
        const safe = last !== undefined && readers !== undefined && !laterRunReadsLists(ctx.dockerfile, node, readers);
        // the removal follows the script's last command (a trailing comment would swallow it); a heredoc script ends
        // with its terminator line: there it follows the last command that reads the lists
        const at = node.heredocs.length === 0 ? scriptEnd(node) : last?.command.range.end.offset;
        // a new line continued with the file's escape character and line ending (`# escape=``, CRLF files)
        const text = node.heredocs.length === 0 ? ` ${ctx.dockerfile.escapeChar}${newlineOf(ctx.source)}    && rm -rf /var/lib/apt/lists/*` : ' && rm -rf /var/lib/apt/lists/*';
        ctx.report({
          range: update.command.range,
          messageId: 'missing',
          ...(safe && at !== undefined ? { fix: () => [insertAt(at, text)] } : {}),
        });
      },
    };
  },
});

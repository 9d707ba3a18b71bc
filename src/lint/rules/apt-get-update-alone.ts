import type { Instruction, RunInstruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { insertAt, removeInstruction, replaceRange } from '../edits.js';
import { commands, invocationsOfRun } from '../stage-facts.js';

const tools = ['apt-get', 'apt', 'yum', 'dnf', 'apk'];
const installing = ['install', 'add', 'upgrade', 'dist-upgrade'];

function installs(node: RunInstruction, tool: string): boolean {
  return installing.some((sub) => commands(node, tool, sub).length > 0);
}

/**
 * The RUN right after `node` in its stage when it installs with `tool` and `node` holds nothing but updates: the
 * update can move into it (`RUN apt-get update && apt-get install -y curl`). Mounts or heredocs on either RUN: none.
 */
function joinable(all: readonly Instruction[], node: RunInstruction, tool: string): RunInstruction | undefined {
  if (node.flags.length > 0 || node.heredocs.length > 0) return undefined;
  if (!invocationsOfRun(node).every((inv) => inv.subcommand?.value === 'update' && tools.includes(inv.name))) return undefined;
  const next = all[all.indexOf(node) + 1];
  if (next?.keyword !== 'Run' || next.stageIndex !== node.stageIndex || next.heredocs.length > 0 || !next.shell) return undefined;
  return installs(next, tool) ? next : undefined;
}

/** A RUN with only `apt-get update` is cached forever: later installs use stale lists. */
export const rule = defineRule({
  meta: {
    id: 'apt-get-update-alone',
    aliases: ['DS-0017'],
    description: 'apt-get update in a RUN of its own',
    category: 'cache',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { alone: '`apt-get update` alone in a RUN is cached: a later install uses stale package lists. Update and install in the same RUN.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const tool of tools) {
          const update = commands(node, tool, 'update')[0];
          if (!update || installs(node, tool)) continue;
          const next = joinable(ctx.dockerfile.instructions, node, tool);
          // the commands up to the last one's end: a trailing `# comment` moved in front of `&& apt-get install`
          // would comment the install out, so it stays where the RUN was, as a comment line above the install
          const start = node.shell.range.start.offset;
          const end = Math.max(...invocationsOfRun(node).map((inv) => inv.command.range.end.offset));
          const moved = `${ctx.source.slice(start, end).trim()} && `;
          const tail = ctx.source.slice(end, node.range.end.offset);
          const comment = tail.includes('#') ? tail.slice(tail.indexOf('#')).trim() : '';
          const at = next?.shell?.range.start.offset;
          const remove = comment === '' ? removeInstruction(ctx.source, node) : replaceRange(node.range, comment);
          ctx.report({
            range: update.command.range,
            messageId: 'alone',
            // the update moves to the front of the install's RUN, whose lists are then always fresh
            ...(at !== undefined && !comment.includes('\n') ? { fix: () => [remove, insertAt(at, moved)] } : {}),
          });
        }
      },
    };
  },
});

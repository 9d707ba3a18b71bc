import type { Command } from 'commander';
import { context, type ContextResult } from '../../api/context.js';
import { counted } from '../../internal/display-text.js';
import { invalidInput } from '../../internal/errors.js';
import { action, addCommonOptions, type VerbContext } from '../runtime.js';

interface ContextFlags {
  dockerfile?: string;
  top: string;
  suggest: boolean;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? 'TiB'}`;
}

/** The text report of `shipshape context`. */
export function render(ctx: Pick<VerbContext, 'c'>, r: ContextResult, suggest: boolean): string {
  const { c } = ctx;
  const lines = [
    `${c.bold('Build context')} ${r.dir}${r.partial ? c.yellow(' (partial: too many entries)') : ''}`,
    `  sent to the engine: ${size(r.sent.bytes)} in ${counted(r.sent.files, 'file')}`,
    `  without ${r.ignoreFile ?? '.dockerignore'}: ${size(r.total.bytes)} in ${counted(r.total.files, 'file')}${r.ignoreFile === null ? c.yellow('  (no .dockerignore)') : `  (${counted(r.patterns.length, 'pattern')} ${r.patterns.length === 1 ? 'excludes' : 'exclude'} ${size(r.total.bytes - r.sent.bytes)} in ${counted(r.total.files - r.sent.files, 'file')})`}`,
  ];
  // a member's build sends the workspace root, not this folder: what is measured above is not what its build sends
  if (r.workspace !== undefined) lines.push(c.yellow(`  a member of the workspace at ${r.workspace.root} (${r.workspace.file}): its build context is ${r.workspace.root}`));
  if (r.git.present) lines.push(`  .git: ${r.git.sent ? c.red(`sent (${size(r.git.bytes)} in ${counted(r.git.files, 'file')})`) : 'excluded'}`);
  if (r.largest.length > 0) {
    lines.push('', c.bold('Largest entries sent'));
    for (const e of r.largest) lines.push(`  ${size(e.bytes).padStart(10)}  ${e.path}${e.files > 1 ? c.dim(` (${counted(e.files, 'file')})`) : ''}`);
  }
  if (r.largestFiles.length > 0) {
    lines.push('', c.bold('Largest files sent'));
    for (const e of r.largestFiles) lines.push(`  ${size(e.bytes).padStart(10)}  ${e.path}`);
  }
  if (r.secrets.length > 0) {
    lines.push('', c.red(c.bold('Secret-looking files sent to the engine (names only)')));
    for (const s of r.secrets) lines.push(`  ${s}`);
  }
  if (r.shouldIgnore.length > 0) {
    lines.push('', c.bold('Should be in .dockerignore'));
    for (const s of r.shouldIgnore) lines.push(`  ${size(s.bytes).padStart(10)}  ${s.path}  ${c.dim(s.reason)}`);
  }
  if (r.copyBreaks.length > 0) {
    lines.push('', c.red(c.bold('COPY/ADD sources the build cannot find')));
    for (const b of r.copyBreaks) lines.push(`  Dockerfile:${b.line}  ${b.source}  ${b.problem === 'excluded' ? 'excluded by the .dockerignore' : 'does not exist'}`);
  }
  const at = r.workspace === undefined ? '' : ` at the workspace root ${r.workspace.root}`;
  if (suggest) lines.push('', c.bold(`Suggested .dockerignore${at}`), r.suggestedDockerignore.trimEnd());
  else if (r.shouldIgnore.length > 0 || r.ignoreFile === null) lines.push('', c.dim(`shipshape context --suggest prints the .dockerignore shipshape init would write${at}`));
  return lines.join('\n');
}

/** `shipshape context [DIR]`: the build context explained. */
export function register(program: Command): void {
  const command = addCommonOptions(
    program
      .command('context')
      .argument('[dir]', 'build context directory', '.')
      .description('explain the build context: size sent to the engine, .dockerignore effects, secrets, COPY breaks')
      .option('--dockerfile <path>', 'the Dockerfile (default: DIR/Dockerfile)')
      .option('--top <n>', 'how many of the largest entries to list', '10')
      .option('--suggest', 'print the suggested .dockerignore too', false),
  );
  command.action(
    action(async (ctx, dir: string) => {
      const flags = command.opts<ContextFlags>();
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 0) throw invalidInput(`--top ${flags.top}`, 'expected a whole number');
      const result = await context({ dir, top, ...(flags.dockerfile === undefined ? {} : { dockerfile: flags.dockerfile }) });
      if (result.copyBreaks.length > 0) ctx.setExitCode(1);
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify(result, null, 2));
        return;
      }
      await ctx.write(render(ctx, result, flags.suggest));
    }),
  );
}

import { type Command, InvalidArgumentError, Option } from 'commander';
import { exitCodes } from '../../internal/errors.js';
import { action, addCommonOptions } from '../runtime.js';

interface LintFlags {
  fix?: boolean | string;
  fixDryRun: boolean;
  baseline?: string;
  exitCode: number;
  failureThreshold?: 'error' | 'warning' | 'info' | 'style' | 'none';
  ignore: string[];
  shellcheck: boolean;
  pin: boolean;
  listRules: boolean;
}

function exitCodeArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 125) throw new InvalidArgumentError('an integer from 0 to 125');
  return n;
}

/** `shipshape lint PATH…`: the rule catalogue over Dockerfiles, with fixes. */
export function register(program: Command): void {
  const command = program
    .command('lint')
    .description('check Dockerfiles (Dockerfile, *.Dockerfile, Containerfile; directories searched) and fix them')
    .argument('[paths...]', 'files or directories; - reads standard input', [])
    .option('--fix [mode]', 'apply safe fixes; --fix=all applies suggestions (behaviour changes) too')
    .option('--fix-dry-run', 'print the fixes as a unified diff, write nothing', false)
    .option('--baseline <file>', 'report only findings not in this earlier `--format json` report')
    .option('--exit-code <n>', 'exit status when findings reach the failure threshold', exitCodeArg, 1)
    .addOption(new Option('--failure-threshold <severity>', 'least severe finding that fails the run').choices(['error', 'warning', 'info', 'style', 'none']))
    .option('--ignore <rule>', 'rule id or alias to ignore (repeatable)', (v: string, acc: string[]) => [...acc, ...v.split(',')], [])
    .option('--no-shellcheck', 'do not run shellcheck on RUN bodies')
    .option('--no-pin', 'with --fix=all: do not ask registries for digests to pin base images to')
    .option('--list-rules', 'print the rule catalogue and exit', false);
  addCommonOptions(command, ['text', 'json', 'sarif', 'checkstyle', 'github']).action(
    action(async (ctx, paths: string[]) => {
      // runtime's flags are command.opts(): the common flags and this verb's own
      const flags = ctx.flags as typeof ctx.flags & LintFlags;
      // loaded on use so that other verbs (and --help) start fast
      const { lint, lintFormatter, describeRules } = await import('../../api/lint.js');
      if (flags.listRules) {
        await ctx.write(describeRules(ctx.flags.format));
        return;
      }
      // `--fix [mode]` takes an optional value, so `--fix Dockerfile` hands the path to it: give it back
      if (typeof flags.fix === 'string' && flags.fix !== 'all' && flags.fix !== 'safe') {
        paths.unshift(flags.fix);
        flags.fix = true;
      }
      const fix = flags.fix === 'all' ? 'all' : flags.fix !== undefined || flags.fixDryRun ? 'fix' : undefined;
      const stdin = paths.includes('-') ? await readStdin() : undefined;
      const report = await lint({
        paths,
        config: { ...ctx.loaded.config.lint, ...(flags.failureThreshold ? { failureThreshold: flags.failureThreshold } : {}) },
        ...(fix ? { fix } : {}),
        dryRun: flags.fixDryRun,
        ...(flags.baseline ? { baseline: flags.baseline } : {}),
        ignore: flags.ignore,
        shellcheck: flags.shellcheck,
        pin: flags.pin,
        ...(stdin === undefined ? {} : { stdin }),
        events: ctx.events,
        registry: { config: ctx.loaded.config, events: ctx.events },
      });
      for (const w of report.warnings) ctx.note(`shipshape lint: ${w}`);
      if (ctx.flags.verbose) for (const n of report.notes) ctx.note(`shipshape lint: ${n}`);
      // a rule that threw left its file partly checked: said in every format (JSON also lists it), one line per file and
      // reason — the rules that read the same broken .dockerignore fail alike and are named together
      let ruleFailed = false;
      for (const f of report.files) {
        const byReason = new Map<string, string[]>();
        for (const r of f.ruleFailures) {
          ruleFailed = true;
          const reason = r.message.split('\n')[0] ?? '';
          byReason.set(reason, [...(byReason.get(reason) ?? []), r.ruleId]);
        }
        for (const [reason, ids] of byReason) ctx.note(`shipshape lint: ${ids.length === 1 ? 'rule' : 'rules'} ${ids.join(', ')} failed on ${f.file}: ${reason}`);
      }
      await ctx.write(lintFormatter(ctx.flags.format)({ files: report.files, rules: report.rules, toolVersion: report.toolVersion }));
      if (report.failed) ctx.setExitCode(flags.exitCode);
      // not a finding, so no threshold lets it pass: the run could not check what it was asked to
      if (ruleFailed) ctx.setExitCode(exitCodes.usage);
    }),
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

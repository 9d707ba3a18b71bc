import type { Command } from 'commander';
import { check, type CheckReport } from '../../api/check.js';
import { parseBaseMap } from '../../api/init.js';
import { formatHtml } from '../../check/formatters/html.js';
import { formatText } from '../../check/formatters/text.js';
import { exitCodes } from '../../internal/errors.js';
import { withInterrupt } from '../interrupt.js';
import { writeResult } from '../output.js';
import { action, addCommonOptions, type CommonFlags } from '../runtime.js';

interface CheckFlags {
  app?: string;
  write: boolean;
  keepImages: boolean;
  engine: boolean;
  compat?: boolean;
  baseMap: string[];
  exportJson?: string;
  exportHtml?: string;
}

/** The exit code a report asks for beyond 0: 4 when an after state could not be built or assembled, 1 when thresholds failed. */
export function checkExitCode(report: CheckReport): number {
  if (report.states.some((s) => s.id !== 'before' && s.failure === 'external')) return exitCodes.external;
  if (report.gate && !report.gate.passed) return exitCodes.policy;
  return exitCodes.ok;
}

/** `shipshape check [DIR]`: lint, fix or generate, build and measure a project before and after. */
export function register(program: Command): void {
  const command = addCommonOptions(
    program
      .command('check')
      .argument('[dir]', 'project directory', '.')
      .description('measure a project before and after shipshape: lint --fix=all or init, .dockerignore, builds, size, waste, packages, vulnerabilities, secrets')
      .option('--write', 'write the after Dockerfile and .dockerignore into the project (a diff is shown)', false)
      .option('--keep-images', 'keep the images the engine builds (shipshape-check/STATE:ID); by default they are removed at the end and on interrupt', false)
      .option('--no-engine', 'do not build with the container engine, even when one answers')
      .option('--compat', 'generate without COPY --link and heredocs, for older build frontends (default: when the engine is Docker before 23.0 or Podman before 5.0)')
      .option('--no-compat', 'generate with COPY --link whatever the engine')
      .option('--app <path>', 'the app to check when the project has several')
      .option('--export-json <file>', 'also write the JSON report to FILE')
      .option('--export-html <file>', 'also write the HTML report to FILE')
      .option('--base-map <from=to>', 'substitute a base image in the engine builds (repeatable)', (value: string, previous: string[]) => [...previous, value], []),
    ['text', 'json', 'html'],
  );
  command.action(
    action(async (ctx, dir: string) => {
      const flags = ctx.flags as CommonFlags & CheckFlags;
      // Ctrl-C / SIGTERM: the scratch copies are removed at once, the engine build is cancelled and the run's images removed, then the process ends by the signal
      const report = await withInterrupt((signal) =>
        check({
          dir,
          signal,
          config: ctx.loaded.config,
          cacheDir: ctx.loaded.cacheDir,
          baseMap: parseBaseMap(flags.baseMap),
          noEngine: !flags.engine,
          write: flags.write,
          keepImages: flags.keepImages,
          events: ctx.events,
          ...(flags.compat === undefined ? {} : { compat: flags.compat }),
          ...(flags.app === undefined ? {} : { app: flags.app }),
        }),
      );
      if (flags.exportJson !== undefined) await writeResult(`${JSON.stringify(report, null, 2)}\n`, { output: flags.exportJson, color: false });
      if (flags.exportHtml !== undefined) await writeResult(formatHtml(report), { output: flags.exportHtml, color: false });
      switch (ctx.flags.format) {
        case 'json':
          await ctx.write(`${JSON.stringify(report, null, 2)}\n`);
          break;
        case 'html':
          await ctx.write(formatHtml(report));
          break;
        default:
          await ctx.write(formatText(report, ctx.c));
      }
      for (const s of report.states) if (s.id !== 'before' && s.failure === 'external' && s.note !== undefined) process.stderr.write(`shipshape: ${s.title}: ${s.note}\n`);
      if (report.gate && !report.gate.passed) for (const c of report.gate.checks.filter((x) => !x.passed)) process.stderr.write(`shipshape: threshold failed on "${report.gate.state}": ${c.id}: ${c.message}\n`);
      ctx.setExitCode(checkExitCode(report));
    }),
  );
}

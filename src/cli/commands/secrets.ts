import { oneLine } from '../../internal/display-text.js';
import type { Command } from 'commander';
import { resolveSource } from '../../api/sbom-source.js';
import { findSecretsIn } from '../../api/secrets.js';
import { action, addCommonOptions } from '../runtime.js';

/** `shipshape secrets IMAGE|DIR`: secrets in every layer (deleted files too), the image config, or a build context. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('secrets')
      .argument('<source>', 'an image (any transport) or a directory (a build context)')
      .description('find secrets in image layers (including files later deleted), config and history, or a build context; values redacted')
      .option('--exit-code <code>', 'exit with this code when a secret is found (default 0)', (v) => Number.parseInt(v, 10))
      .option('--platform <os/arch[/variant]>', 'for a multi-platform image, this platform'),
  ).action(
    action(async (ctx, name: string) => {
      const flags = ctx.flags as unknown as { exitCode?: number; platform?: string };
      const source = await resolveSource(name, { config: ctx.loaded.config, events: ctx.events, ...(flags.platform === undefined ? {} : { platform: flags.platform }) });
      let findings;
      try {
        findings = await findSecretsIn(source.kind === 'image' ? { image: source.image } : { directory: source.path });
      } finally {
        await source.close();
      }
      if (ctx.flags.format === 'json') await ctx.write(JSON.stringify({ source: name, findings }, null, 2));
      else {
        const lines = findings.map((f) => {
          const where =
            f.location.kind === 'layer'
              ? `layer ${f.location.layer} ${oneLine(f.location.path)}:${f.location.line}${f.location.deletedLater ? ' (deleted in a later layer, still shipped)' : ''}`
              : f.location.kind === 'config'
                ? `image ${oneLine(f.location.field)}`
                : `${oneLine(f.location.path)}:${f.location.line}`;
          return `${where}\n  ${f.rule}: ${oneLine(f.message)}: ${oneLine(f.redacted)}\n  fix: ${f.fix}`;
        });
        lines.push(`${findings.length} secret${findings.length === 1 ? '' : 's'} found`);
        await ctx.write(lines.join('\n'));
      }
      if (findings.length > 0 && flags.exitCode !== undefined) ctx.setExitCode(flags.exitCode);
    }),
  );
}

import type { Command } from 'commander';
import { digest } from '../../api/digest.js';
import { action, addCommonOptions, type CommonFlags } from '../runtime.js';

/** `shipshape digest REF`: the digest a tag points to in its registry. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('digest')
      .description('resolve an image reference to its digest in the registry (no layers are pulled)')
      .argument('<reference>', 'image reference, e.g. node:20 or localhost:5000/app:1')
      .option('--platform <os/arch[/variant]>', "for a multi-platform image: that platform's image digest"),
  ).action(
    action(async (ctx, reference: string) => {
      // the runtime passes positional arguments only; this verb's own options are among the parsed flags
      const opts = ctx.flags as CommonFlags & { platform?: string };
      const result = await digest(reference, {
        config: ctx.loaded.config,
        cacheDir: ctx.loaded.cacheDir,
        events: ctx.events,
        ...(opts.platform === undefined ? {} : { platform: opts.platform }),
      });
      await ctx.write(ctx.flags.format === 'json' ? JSON.stringify(result, null, 2) : result.digest);
    }),
  );
}

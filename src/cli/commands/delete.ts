import type { Command } from 'commander';
import { deleteImage } from '../../api/delete.js';
import { action, addCommonOptions } from '../runtime.js';

/** `shipshape delete docker://REPO@sha256:…`: delete a manifest from its registry. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('delete')
      .description('delete a manifest from its registry by digest (every tag pointing to it goes too)')
      .argument('<image>', 'docker://REPO@sha256:… or REPO@sha256:…'),
  ).action(
    action(async (ctx, image: string) => {
      const result = await deleteImage(image, { config: ctx.loaded.config, events: ctx.events });
      await ctx.write(ctx.flags.format === 'json' ? JSON.stringify(result, null, 2) : `Deleted ${result.reference}`);
    }),
  );
}

import type { Command } from 'commander';
import { tags } from '../../api/tags.js';
import { action, addCommonOptions } from '../runtime.js';

/** `shipshape tags REPO`: list a repository's tags. */
export function register(program: Command): void {
  addCommonOptions(program.command('tags').description("list a repository's tags in its registry").argument('<repository>', 'e.g. localhost:5000/app')).action(
    action(async (ctx, repository: string) => {
      const result = await tags(repository, { config: ctx.loaded.config, events: ctx.events });
      await ctx.write(ctx.flags.format === 'json' ? JSON.stringify(result, null, 2) : result.tags.join('\n'));
    }),
  );
}

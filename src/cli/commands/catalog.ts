import type { Command } from 'commander';
import { catalog } from '../../api/catalog.js';
import { invalidInput } from '../../internal/errors.js';
import { action, addCommonOptions, type CommonFlags } from '../runtime.js';

/** `shipshape catalog REGISTRY`: list a registry's repositories. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('catalog')
      .description("list a registry's repositories (/v2/_catalog, every page)")
      .argument('<registry>', 'registry host, e.g. localhost:5000 or registry.example.com')
      .option('--page-size <n>', 'repositories asked for per request (the registry links the next page)'),
  ).action(
    action(async (ctx, registry: string) => {
      const opts = ctx.flags as CommonFlags & { pageSize?: string };
      let pageSize: number | undefined;
      if (opts.pageSize !== undefined) {
        pageSize = Number(opts.pageSize);
        if (!Number.isInteger(pageSize) || pageSize < 1) throw invalidInput('--page-size', `"${opts.pageSize}" is not a positive whole number`);
      }
      const result = await catalog(registry, { config: ctx.loaded.config, events: ctx.events, ...(pageSize === undefined ? {} : { pageSize }) });
      await ctx.write(ctx.flags.format === 'json' ? JSON.stringify(result, null, 2) : result.repositories.join('\n'));
    }),
  );
}

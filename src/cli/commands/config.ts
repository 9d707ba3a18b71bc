import type { Command } from 'commander';
import { stringify } from 'yaml';
import { action, addCommonOptions } from '../runtime.js';

/** `shipshape config`: the effective configuration and where it came from. */
export function register(program: Command): void {
  addCommonOptions(program.command('config').description('show the effective configuration and the file it came from')).action(
    action(async (ctx) => {
      const { config, path, cacheDir } = ctx.loaded;
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify({ file: path ?? null, cacheDir, config }, null, 2));
        return;
      }
      await ctx.write(`# ${path ?? 'no .shipshape.yaml found; defaults'}\n# cache: ${cacheDir}\n${stringify(config)}`);
    }),
  );
}

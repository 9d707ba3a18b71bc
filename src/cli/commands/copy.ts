import { type Command, Option } from 'commander';
import { copy } from '../../api/copy.js';
import type { Compression } from '../../image/media-types.js';
import { action, addCommonOptions } from '../runtime.js';

/** `shipshape copy SRC DST`: any source to any sink, like `skopeo copy`. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('copy')
      .argument('<source>', 'oci:PATH[:TAG], oci-archive:PATH[:TAG], docker-archive:PATH[:REF|:@N], dir:PATH, rootfs:PATH, …')
      .argument('<destination>', 'oci:PATH[:TAG], oci-archive:PATH[:TAG], docker-archive:PATH[:REF], dir:PATH, …')
      .description('copy an image between transports (every blob verified; a failed copy leaves no partial destination)')
      .option('--platform <os/arch[/variant]>', 'from a multi-platform image, copy this platform (default: this machine\'s)')
      .option('--all-platforms', 'copy every platform of a multi-platform image', false)
      .addOption(new Option('--dest-compress <compression>', 'recompress layers').choices(['gzip', 'zstd', 'none']))
      .option('--allow-zstd', 'keep zstd layers in docker archives (only Docker 23+ loads them)', false),
  ).action(
    action(async (ctx, source: string, destination: string) => {
      // the action wrapper passes positional arguments; the verb's own flags sit beside the common ones
      const opts = ctx.flags as unknown as { platform?: string; allPlatforms: boolean; destCompress?: Compression; allowZstd: boolean };
      const result = await copy(source, destination, {
        config: ctx.loaded.config,
        events: ctx.events,
        allPlatforms: opts.allPlatforms,
        allowZstd: opts.allowZstd,
        ...(opts.platform === undefined ? {} : { platform: opts.platform }),
        ...(opts.destCompress === undefined ? {} : { destCompress: opts.destCompress }),
      });
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify(result, null, 2));
        return;
      }
      await ctx.write(`copied ${result.kind} ${result.digest} (${result.platforms.join(', ')}, ${result.layers} layers) to ${result.destination}`);
    }),
  );
}

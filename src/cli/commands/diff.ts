import type { Command } from 'commander';
import { diff } from '../../api/analyze.js';
import { openImage, type OpenedImage } from '../../api/open-image.js';
import { formatDiffText } from '../../analyze/formatters/text.js';
import { invalidInput } from '../../internal/errors.js';
import { action, addCommonOptions, type CommonFlags } from '../runtime.js';

/** `shipshape diff BEFORE AFTER`: per-layer, per-file, per-category and total differences. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('diff')
      .description('compare two images: layers, files, removable content by category, sizes (the before/after view)')
      .argument('<before>', 'oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, dir:DIR, rootfs:DIR or docker-daemon:NAME')
      .argument('<after>', 'the image to compare with'),
    ['text', 'json'],
  )
    .option('--platform <os/arch>', 'the image to pick from an index', 'linux/amd64')
    .option('--files <n>', 'how many of the largest file changes to list, or all (default: 15 in text, 50 in JSON)')
    .action(
      action(async (ctx, before: string, after: string) => {
        // ctx.flags is commander's whole option object; the runtime types only the common part
        const flags = ctx.flags as CommonFlags & { platform?: string; files?: string };
        const topFiles = flags.files === undefined ? undefined : flags.files === 'all' ? Infinity : Number(flags.files);
        if (topFiles !== undefined && !(topFiles === Infinity || (Number.isInteger(topFiles) && topFiles >= 0))) {
          throw invalidInput(`--files ${flags.files ?? ''}`, 'expected a whole number or all');
        }
        const options = { ...(flags.platform === undefined ? {} : { platform: flags.platform }), config: ctx.loaded.config, events: ctx.events };
        const opened: OpenedImage[] = [];
        try {
          opened.push(await openImage(before, options));
          opened.push(await openImage(after, options));
          const [a, b] = opened;
          if (!a || !b) return;
          // the output shows no estimate: the runtime is not looked for
          const result = await diff(a.image, b.image, { beforeReference: before, afterReference: after, events: ctx.events, estimate: false, ...(topFiles === undefined ? {} : { topFiles }) });
          await ctx.write(ctx.flags.format === 'json' ? `${JSON.stringify(result.diff, null, 2)}\n` : formatDiffText(result.diff, ctx.c, Math.max(80, process.stdout.columns || 100), topFiles));
        } finally {
          for (const o of opened) await o.close();
        }
      }),
    );
}

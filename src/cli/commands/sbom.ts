import { type Command, Option } from 'commander';
import { hostCaches, renderSbom, sbom } from '../../api/sbom.js';
import { resolveSource } from '../../api/sbom-source.js';
import type { SbomFormat } from '../../sbom/index.js';
import { action, addCommonOptions } from '../runtime.js';
import { version } from '../version.js';

/** `shipshape sbom SOURCE`: packages, their files, layers and licenses, as SPDX 2.3, CycloneDX 1.6, a table or JSON. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('sbom')
      .argument('<source>', 'an image (oci:PATH, docker-archive:PATH, docker-daemon:REF, …) or a directory (root filesystem or project)')
      .description('list the packages in an image or directory: SPDX 2.3 or CycloneDX 1.6 JSON, a table, or JSON')
      .option('--platform <os/arch[/variant]>', 'for a multi-platform image, this platform')
      .addOption(new Option('--catalogers <names>', 'comma-separated catalogers to run (default: all)'))
      .option('--local-license-caches', "also read Go module and Rust crate licenses from this machine's Go module cache and Cargo home"),
    ['text', 'json', 'spdx-json', 'cyclonedx-json'],
  ).action(
    action(async (ctx, name: string) => {
      const flags = ctx.flags as unknown as { platform?: string; catalogers?: string; localLicenseCaches?: boolean };
      const caches = hostCaches(ctx.loaded.config.sbom, flags.localLicenseCaches === true);
      const source = await resolveSource(name, { config: ctx.loaded.config, events: ctx.events, ...(flags.platform === undefined ? {} : { platform: flags.platform }) });
      try {
        const doc = await sbom(source.kind === 'image' ? { image: source.image } : { directory: source.path }, {
          name,
          events: ctx.events,
          tool: { name: 'shipshape', version },
          ...(caches ? { hostCaches: caches } : {}),
          ...(flags.catalogers === undefined ? {} : { catalogers: flags.catalogers.split(',').map((s) => s.trim()) }),
        });
        await ctx.write(renderSbom(doc, ctx.flags.format as SbomFormat));
        if (doc.unknowns.length > 0) ctx.note(`shipshape: ${doc.unknowns.length} file(s) could not be read; they are listed as unknowns`);
      } finally {
        await source.close();
      }
    }),
  );
}

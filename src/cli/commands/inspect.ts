import { type Command, Option } from 'commander';
import { inspect, type Inspection } from '../../api/inspect.js';
import { formatBytes } from '../output.js';
import { action, addCommonOptions, type VerbContext } from '../runtime.js';

function bytes(n: number | null): string {
  return n === null ? '?' : formatBytes(n);
}

function short(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

function text(result: Inspection, ctx: VerbContext): string {
  const { c } = ctx;
  const lines: string[] = [];
  lines.push(c.bold(result.name));
  lines.push(`  digest      ${result.digest}`);
  lines.push(`  media type  ${result.mediaType}`);
  if (result.kind === 'index') {
    lines.push(`  platforms   ${result.platforms.join(', ') || '(none declared)'}`);
    lines.push('', c.bold('manifests'));
    for (const m of result.manifests) lines.push(`  ${m.digest}  ${(m.platform ?? '-').padEnd(16)}  ${bytes(m.size).padStart(9)}  ${m.mediaType}`);
    return lines.join('\n');
  }
  lines.push(`  platform    ${result.platform}`);
  if (result.created) lines.push(`  created     ${result.created}`);
  if (result.layers.some((l) => l.size === null)) {
    // described from the engine's metadata: its size counts unpacked content; stored sizes need an export
    lines.push(`  size        ${bytes(result.size)} as the engine counts it (stored sizes: --sizes exports the image)`);
  } else {
    lines.push(`  size        ${bytes(result.size)} stored, ${bytes(result.uncompressedSize)} uncompressed`);
  }
  const cfg = result.config;
  if (cfg.entrypoint) lines.push(`  entrypoint  ${JSON.stringify(cfg.entrypoint)}`);
  if (cfg.cmd) lines.push(`  cmd         ${JSON.stringify(cfg.cmd)}`);
  if (cfg.user) lines.push(`  user        ${cfg.user}`);
  if (cfg.workingDir) lines.push(`  workdir     ${cfg.workingDir}`);
  if (cfg.exposedPorts.length > 0) lines.push(`  ports       ${cfg.exposedPorts.join(', ')}`);
  for (const e of cfg.env) lines.push(`  env         ${e}`);
  for (const [k, v] of Object.entries(cfg.labels)) lines.push(`  label       ${k}=${v}`);
  lines.push('', c.bold(`layers (${result.layers.length})`));
  lines.push(c.dim('  #   digest        stored     uncompressed  media type'));
  result.layers.forEach((l, i) => {
    lines.push(`  ${String(i).padEnd(3)} ${short(l.digest)}  ${bytes(l.size).padStart(9)}  ${bytes(l.uncompressedSize).padStart(12)}  ${l.mediaType}`);
  });
  if (result.history.length > 0) {
    lines.push('', c.bold('history'));
    for (const h of result.history) lines.push(`  ${h.emptyLayer === true ? c.dim('(empty)') : '       '}  ${(h.createdBy ?? h.comment ?? '').replace(/\s+/g, ' ').slice(0, 110)}`);
  }
  return lines.join('\n');
}

/** `shipshape inspect IMAGE`: manifest, config, layers, history and platforms of an image from any transport. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('inspect')
      .argument('<image>', 'oci:PATH[:TAG], oci-archive:PATH[:TAG], docker-archive:PATH[:REF|:@N], dir:PATH, rootfs:PATH, …')
      .description('show an image: manifest, config, layers with compressed and uncompressed sizes, history, platforms')
      .option('--raw', 'print the manifest bytes exactly as stored', false)
      .option('--config-raw', 'print the config bytes exactly as stored', false)
      .option('--platform <os/arch[/variant]>', 'for a multi-platform image, inspect this platform')
      .addOption(new Option('--sizes', 'read layers to measure uncompressed sizes the source does not record (default for local sources; for docker:// it pulls every layer)'))
      .addOption(new Option('--no-sizes', 'do not read layers to measure uncompressed sizes (default for registries: only the manifest and config are fetched)')),
  ).action(
    action(async (ctx, image: string) => {
      // the action wrapper passes positional arguments; the verb's own flags sit beside the common ones
      const opts = ctx.flags as unknown as { raw: boolean; configRaw: boolean; platform?: string; sizes?: boolean };
      const result = await inspect(image, {
        config: ctx.loaded.config,
        events: ctx.events,
        ...(opts.raw || opts.configRaw ? { sizes: false, raw: true } : opts.sizes === undefined ? {} : { sizes: opts.sizes }),
        ...(opts.platform === undefined ? {} : { platform: opts.platform }),
      });
      if (opts.raw) {
        await ctx.write(result.rawManifest.toString('utf8'), { verbatim: true });
        return;
      }
      if (opts.configRaw) {
        if (result.kind !== 'image') throw new Error('unreachable');
        await ctx.write(result.rawConfig.toString('utf8'), { verbatim: true });
        return;
      }
      if (ctx.flags.format === 'json') {
        const { rawManifest: _m, ...rest } = result;
        const out = rest.kind === 'image' ? (({ rawConfig: _c, ...r }) => r)(rest) : rest;
        await ctx.write(JSON.stringify(out, null, 2));
        return;
      }
      await ctx.write(text(result, ctx));
    }),
  );
}

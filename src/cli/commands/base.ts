import { type Command, Option } from 'commander';
import { baseBuild, basePrune, type BasePruneReport, baseUpdate, type BaseUpdateReport, presetNames, type PresetName } from '../../api/index.js';
import type { BaseConfig } from '../../config/schema.js';
import { invalidInput, ShipshapeError } from '../../internal/errors.js';
import { withInterrupt } from '../interrupt.js';
import { megabytes } from '../output.js';
import { action, addCommonOptions, repeatable, sourceDateEpochFlag } from '../runtime.js';

interface BaseBuildFlags extends ReleaseCheckFlags {
  preset: PresetName;
  outputImage: string;
  package: string[];
  mirror: string[];
  arch?: string;
  platform: string[];
  nodeBinary?: string;
  keepNodeSymbols?: boolean;
  caCert: string[];
  sourceDateEpoch?: string;
  lock?: string;
  locked: boolean;
  nonroot: boolean;
}

const noCheckValidUntil = "accept an InRelease past its Valid-Until, as apt's Acquire::Check-Valid-Until=false does (snapshot archives; also base.checkValidUntil: false)";
const noCheckDate = "accept an InRelease dated ahead of this machine's clock, as apt's Acquire::Check-Date=false does (also base.checkDate: false)";

const maxValidTime = "seconds after its Date an InRelease stays valid at most, Valid-Until or not, as apt's Acquire::Max-ValidTime (also base.maxValidTime)";
const minValidTime = "seconds after its Date an InRelease stays valid at least, extending an earlier Valid-Until, as apt's Acquire::Min-ValidTime (also base.minValidTime)";

interface ReleaseCheckFlags {
  /** false with --no-check-valid-until (commander's negated flag: true otherwise). */
  checkValidUntil: boolean;
  checkDate: boolean;
  maxValidTime?: string;
  minValidTime?: string;
}

/** A `--max-valid-time`/`--min-valid-time` value: a positive number of seconds, as apt's options take. */
function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) throw new ShipshapeError('usage', `${flag} "${value}" is not a positive number of seconds`);
  return Number(value);
}

/** The InRelease checks: a --no-check-* flag turns one off, a --*-valid-time flag sets one, else the configuration decides. */
function releaseChecks(flags: ReleaseCheckFlags, config: BaseConfig): { checkValidUntil: boolean; checkDate: boolean; maxValidTime?: number; minValidTime?: number } {
  const max = seconds('--max-valid-time', flags.maxValidTime) ?? config.maxValidTime;
  const min = seconds('--min-valid-time', flags.minValidTime) ?? config.minValidTime;
  return { checkValidUntil: flags.checkValidUntil && config.checkValidUntil, checkDate: flags.checkDate && config.checkDate, ...(max === undefined ? {} : { maxValidTime: max }), ...(min === undefined ? {} : { minValidTime: min }) };
}

function updateTable(report: BaseUpdateReport, all: boolean): string {
  const rows = report.packages.filter((p) => all || p.change !== 'same');
  const head = ['package', 'locked', 'available', ''];
  const cells = rows.map((p) => [p.name, p.locked ?? '-', p.available ?? '-', p.change === 'same' ? '' : p.change]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const summary =
    report.changes === 0
      ? `${report.lockFile}: all ${report.packages.length} packages are current`
      : `${report.lockFile}: ${report.changes} of ${report.packages.length} packages would change${report.written ? ' — lock file updated' : '; --write updates the lock file'}`;
  return [...(rows.length > 0 ? [line(head), ...cells.map(line)] : []), summary].join('\n');
}

/** A `--until` age: seconds, or a whole number of `s`, `m`, `h` or `d` (`7d`), as `docker builder prune --filter until=` takes a duration. */
function age(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const unit: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };
  const m = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds = m === null ? NaN : Number(m[1]) * (unit[m[2] ?? ''] ?? NaN);
  if (!Number.isSafeInteger(seconds)) throw new ShipshapeError('usage', `--until "${value}" is not an age: seconds, or a number with s, m, h or d (7d)`);
  return seconds;
}

function pruneSummary(report: BasePruneReport): string {
  const lines = report.removed.map((r) => `removed ${r.name}  ${megabytes(r.bytes)}`);
  for (const name of report.held) lines.push(`kept ${name}: a running build holds it`);
  lines.push(`${report.removed.length} cached base${report.removed.length === 1 ? '' : 's'} removed, ${megabytes(report.bytes)} freed`);
  return lines.join('\n');
}

/** Debian architectures of `--platform` values (`linux/amd64,linux/arm64`, `linux/arm64/v8`). */
function platformArchitectures(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values.flatMap((v) => v.split(','))) {
    const m = /^linux\/(amd64|arm64)(?:\/v8)?$/.exec(value.trim());
    if (!m?.[1]) throw invalidInput(`--platform "${value}"`, 'base build makes linux/amd64 and linux/arm64 images');
    if (!out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

/** `shipshape base build|update|prune`: distroless-style bases from Debian packages, and the ones `build` caches. */
export function register(program: Command): void {
  const base = program.command('base').description('distroless-style base images from Debian packages');
  addCommonOptions(
    base
      .command('build')
      .description('build a base image from a preset and Debian packages, reproducibly')
      .addOption(new Option('--preset <preset>', 'what the base holds').choices(presetNames).makeOptionMandatory())
      .requiredOption('--output-image <dest>', 'where to write it: any image name a sink takes (oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF]; see docs/cli.md)')
      .option('--package <name>', 'add a Debian package with its dependencies (repeatable)', repeatable, [])
      .option('--mirror <uri>', 'archive URI[,SUITE...] instead of the apt sources of this machine (repeatable)', repeatable, [])
      .addOption(new Option('--arch <arch>', 'Debian architecture').choices(['amd64', 'arm64']))
      .option('--platform <os/arch,...>', 'linux/amd64 and/or linux/arm64 (repeatable or comma-separated); two make a multi-platform index', repeatable, [])
      .option('--node-binary <path>', 'Node.js binary for the nodejs preset (default: the running node)')
      .option('--keep-node-symbols', "install the Node.js binary with its symbol table and debug info (default: stripped, ~12 MB less)")
      .option('--ca-cert <file>', 'add a PEM CA certificate to the bundle (repeatable)', repeatable, [])
      .option('--source-date-epoch <seconds>', 'timestamp of every file (default: SOURCE_DATE_EPOCH, else the newest package date)')
      .option('--lock <file>', 'lock file: written after the build, read with --locked')
      .option('--locked', 'rebuild exactly the versions in --lock (from the cache when the archive dropped them)', false)
      .option('--nonroot', 'run as nonroot (65532) in /home/nonroot', false)
      .option('--no-check-valid-until', noCheckValidUntil)
      .option('--no-check-date', noCheckDate)
      .option('--max-valid-time <seconds>', maxValidTime)
      .option('--min-valid-time <seconds>', minValidTime),
  ).action(
    action(async (ctx) => {
      // commander keeps every option of the command in one object; the runtime types only the common ones
      const flags = ctx.flags as unknown as BaseBuildFlags;
      const epoch = sourceDateEpochFlag(flags.sourceDateEpoch);
      const architectures = platformArchitectures(flags.platform);
      if (architectures.length > 0 && flags.arch !== undefined) throw new ShipshapeError('usage', '--arch and --platform both name the architecture: use one');
      const report = await withInterrupt((signal) =>
        baseBuild({
          preset: flags.preset,
          signal,
          outputImage: flags.outputImage,
          packages: flags.package,
          mirrors: flags.mirror,
          caCerts: flags.caCert,
          locked: flags.locked,
          nonroot: flags.nonroot,
          cacheDir: ctx.loaded.cacheDir,
          offline: ctx.loaded.config.offline,
          ...releaseChecks(flags, ctx.loaded.config.base),
          config: ctx.loaded.config,
          events: ctx.events,
          ...(flags.arch === undefined ? {} : { architecture: flags.arch }),
          ...(architectures.length === 0 ? {} : { architectures }),
          ...(flags.nodeBinary === undefined ? {} : { nodeBinary: flags.nodeBinary }),
          ...(flags.keepNodeSymbols === true ? { keepNodeSymbols: true } : {}),
          ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
          ...(flags.lock === undefined ? {} : { lockFile: flags.lock }),
        }),
      );
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify(report, null, 2));
        return;
      }
      const lines = [
        `${ctx.c.bold(report.digest)}  ${report.destination}`,
        report.images === undefined
          ? `preset ${report.preset} (${report.architecture}), ${report.packages.length} packages, ${report.layers.length} layers, ${megabytes(report.uncompressedSize)} uncompressed, ${megabytes(report.layers.reduce((n, l) => n + l.size, 0))} compressed`
          : `preset ${report.preset}: an index of ${report.images.length} images (${report.images.map((i) => i.architecture).join(', ')})`,
        report.images === undefined ? `SOURCE_DATE_EPOCH=${report.sourceDateEpoch}${report.lockFile === undefined ? '' : `, lock ${report.lockFile}`}` : `SOURCE_DATE_EPOCH=${report.images.map((i) => i.sourceDateEpoch).join(', ')}`,
        ...(report.images === undefined
          ? report.packages.map((p) => `  ${p.name} ${p.version}`)
          : report.images.map((i) => `  ${i.architecture}  ${i.digest}  ${i.packages.length} packages, ${megabytes(i.uncompressedSize)} uncompressed${i.lockFile === undefined ? '' : `, lock ${i.lockFile}`}`)),
      ];
      await ctx.write(`${lines.join('\n')}\n`);
    }),
  );

  addCommonOptions(
    base
      .command('update')
      .description('show newer package versions the archive offers for a lock file; --write updates it')
      .requiredOption('--lock <file>', 'the lock file of a base build')
      .option('--write', 'rewrite the lock file with the available versions', false)
      .option('--all', 'list unchanged packages too', false)
      .option('--mirror <uri>', 'archive URI[,SUITE...] instead of the apt sources of this machine (repeatable)', repeatable, [])
      .option('--no-check-valid-until', noCheckValidUntil)
      .option('--no-check-date', noCheckDate)
      .option('--max-valid-time <seconds>', maxValidTime)
      .option('--min-valid-time <seconds>', minValidTime),
  ).action(
    action(async (ctx) => {
      const flags = ctx.flags as unknown as ReleaseCheckFlags & { lock: string; write: boolean; all: boolean; mirror: string[] };
      const report = await baseUpdate({
        lockFile: flags.lock,
        write: flags.write,
        mirrors: flags.mirror,
        offline: ctx.loaded.config.offline,
        ...releaseChecks(flags, ctx.loaded.config.base),
        cacheDir: ctx.loaded.cacheDir,
        events: ctx.events,
      });
      await ctx.write(ctx.flags.format === 'json' ? JSON.stringify(report, null, 2) : updateTable(report, flags.all));
    }),
  );

  addCommonOptions(
    base
      .command('prune')
      .description('remove the preset bases `build` cached (each a later build assembles again), except those a running build holds')
      .option('--until <age>', 'only those no build has used for longer than this: seconds, or with s, m, h or d (7d)'),
  ).action(
    action(async (ctx) => {
      const flags = ctx.flags as unknown as { until?: string };
      const until = age(flags.until);
      const report = await basePrune({ cacheDir: ctx.loaded.cacheDir, ...(until === undefined ? {} : { until }) });
      await ctx.write(ctx.flags.format === 'json' ? JSON.stringify(report, null, 2) : pruneSummary(report));
    }),
  );
}

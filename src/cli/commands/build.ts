import type { Command } from 'commander';
// the task module itself, not the api index: a build loads no scanner, SBOM or lint code
import { build, type BuildReport, type BuildRequest } from '../../api/build.js';
import { exitCodeFor, ShipshapeError } from '../../internal/errors.js';
import { withInterrupt } from '../interrupt.js';
import { megabytes } from '../output.js';
import { action, addCommonOptions, repeatable, sourceDateEpochFlag } from '../runtime.js';

interface BuildFlags {
  outputImage: string;
  base?: string;
  binary?: string;
  nodeBinary?: string;
  keepNodeSymbols?: boolean;
  entry?: string;
  trace: boolean;
  env: string[];
  port: string[];
  label: string[];
  sourceDateEpoch?: string;
  platform?: string;
  watch: boolean;
}

function parsePorts(values: readonly string[]): number[] {
  return values.flatMap((v) => v.split(',')).map((v) => {
    const port = Number(v.replace(/\/tcp$/, ''));
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ShipshapeError('usage', `--port: "${v}" is not a TCP port number`);
    return port;
  });
}

function parseLabels(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new ShipshapeError('usage', `--label: "${v}" is not KEY=VALUE`);
    labels[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return labels;
}

function errorLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
}

/** One line per build: the digest, what changed and how long from the change to the image written. */
function watchLine(report: BuildReport, changed: readonly string[], sinceChange: number | undefined): string {
  const what = changed.length === 0 ? 'built' : `rebuilt (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` +${changed.length - 3}` : ''})`;
  const took = sinceChange === undefined ? `${report.timings.total ?? 0} ms` : `${sinceChange} ms after the change (build ${report.timings.total ?? 0} ms)`;
  const reused = report.layers.filter((l) => l.cached === true).length;
  return `${new Date().toISOString().slice(11, 19)} ${report.digest}  ${report.destination}  ${what} in ${took}, ${reused} layer(s) reused`;
}

/**
 * `--watch`: builds until Ctrl-C; a failed build prints its one-line error and the watch goes on. A result that
 * cannot be written (`--output` in a missing folder) ends the watch with that error, as any verb's would.
 */
async function watch(request: BuildRequest, json: boolean, write: (text: string) => Promise<void>): Promise<void> {
  // loaded only for --watch
  const { watchBuild } = await import('../../api/build-watch.js');
  await withInterrupt(async (interrupt) => {
    const stop = new AbortController();
    const onInterrupt = (): void => {
      stop.abort(interrupt.reason);
    };
    interrupt.addEventListener('abort', onInterrupt, { once: true });
    let writeFailure: Error | undefined;
    const emit = (text: string): void => {
      write(text).catch((error: unknown) => {
        writeFailure ??= error instanceof Error ? error : new Error(String(error));
        stop.abort(error);
      });
    };
    try {
      await watchBuild(request, {
        signal: stop.signal,
        onBuild: ({ report, error, changed, sinceChange }) => {
          if (report === undefined) {
            const line = json ? JSON.stringify({ error: errorLine(error), exitCode: exitCodeFor(error), changed }) : `shipshape: ${errorLine(error)}`;
            if (json) emit(`${line}\n`);
            else process.stderr.write(`${line}\n`);
            return;
          }
          emit(json ? `${JSON.stringify({ ...report, changed, ...(sinceChange === undefined ? {} : { sinceChange }) })}\n` : `${watchLine(report, changed, sinceChange)}\n`);
        },
      });
    } finally {
      interrupt.removeEventListener('abort', onInterrupt);
    }
    if (writeFailure !== undefined) throw writeFailure;
  });
}

/** `shipshape build [DIR]`: a daemonless, reproducible image of a Node.js app. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('build')
      .description('build a small, reproducible image of a Node.js app without a Docker daemon')
      .argument('[dir]', 'the project directory', '.')
      .requiredOption('--output-image <dest>', 'where to write it: docker-daemon:NAME:TAG, oci:DIR[:TAG], docker-archive:FILE[:REF], docker://REF (see docs/cli.md)')
      .option('--binary <path>', 'build an image of this compiled program (Go, Rust, C) on the static, base or cc base its ELF needs; DIR is not read')
      .option('--base <image>', 'build on this image (any transport) instead of the assembled nodejs base')
      .option('--node-binary <path>', 'Node.js binary for the assembled base (default: the running node)')
      .option('--keep-node-symbols', "keep the symbol table and debug info of the assembled base's Node.js binary (default: stripped)")
      .option('--entry <file>', 'the file node runs (default: scripts.start, bin or main of package.json)')
      .option('--no-trace', 'keep the whole production node_modules instead of the files the entry point needs')
      .option('--env <NAME=VALUE>', 'environment of the image (repeatable)', repeatable, [])
      .option('--port <port>', 'port to expose (repeatable; default: detected from the sources)', repeatable, [])
      .option('--label <KEY=VALUE>', 'image label (repeatable)', repeatable, [])
      .option('--source-date-epoch <seconds>', 'creation time and file times (default: SOURCE_DATE_EPOCH, else the commit time of a clean checkout, else the newest input file)')
      .option('--platform <os/arch>', 'platform picked when --base is a multi-platform index')
      .option('--watch', 'stay running: rebuild into the destination whenever a project file changes (one line per build; Ctrl-C ends)', false),
  ).action(
    action(async (ctx, dir: string) => {
      // commander keeps every option of the command in one object; the runtime types only the common ones
      const flags = ctx.flags as unknown as BuildFlags;
      const epoch = sourceDateEpochFlag(flags.sourceDateEpoch);
      const request: BuildRequest = {
        dir,
        outputImage: flags.outputImage,
        trace: flags.trace,
        env: flags.env,
        labels: parseLabels(flags.label),
        cacheDir: ctx.loaded.cacheDir,
        config: ctx.loaded.config,
        events: ctx.events,
        ...(flags.port.length === 0 ? {} : { ports: parsePorts(flags.port) }),
        ...(flags.base === undefined ? {} : { base: flags.base }),
        ...(flags.binary === undefined ? {} : { binary: flags.binary }),
        ...(flags.nodeBinary === undefined ? {} : { nodeBinary: flags.nodeBinary }),
        ...(flags.keepNodeSymbols === true ? { keepNodeSymbols: true } : {}),
        ...(flags.entry === undefined ? {} : { entry: flags.entry }),
        ...(flags.platform === undefined ? {} : { platform: flags.platform }),
        ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }),
      };
      if (flags.watch) {
        await watch(request, ctx.flags.format === 'json', (text) => ctx.write(text));
        return;
      }
      // Ctrl-C / SIGTERM: the write in progress is undone (no temp file or partial image is left), then the process ends by the signal
      const report = await withInterrupt((signal) => build({ ...request, signal }));
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify(report, null, 2));
        return;
      }
      const lines = [
        `${ctx.c.bold(report.digest)}  ${report.destination}`,
        `base ${report.base.name} (${report.base.digest.slice(0, 19)}), entrypoint ${JSON.stringify(report.entrypoint)}`,
        ...(report.binary === undefined ? [] : [`${report.binary.architecture} binary, needs ${report.binary.needed.length === 0 ? 'no shared libraries' : report.binary.needed.join(' ')} → ${report.binary.preset} base`]),
        `${megabytes(report.uncompressedSize)} uncompressed, ${megabytes(report.compressedSize)} compressed, ${(report.timings.total ?? 0) / 1000}s`,
        ...report.layers.map((l) => `  ${l.role.padEnd(12)} ${l.digest.slice(7, 19)}  ${megabytes(l.uncompressedSize ?? 0).padStart(9)}${l.files === undefined ? '' : `  ${l.files} files`}${l.cached === true ? '  (cached)' : ''}`),
        ...(report.push === undefined ? [] : [`pushed: ${report.push.uploaded} uploaded, ${report.push.mounted} mounted, ${report.push.existing} already there`]),
      ];
      await ctx.write(`${lines.join('\n')}\n`);
    }),
  );
}

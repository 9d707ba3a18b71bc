/**
 * What every verb shares: the common flags, config loading, progress rendering, result output and the mapping
 * of errors to one line and an exit code. Verbs stay thin: parse flags → call one api function → render.
 */
import { Command, Option } from 'commander';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import { exitCodeFor, exitCodes, ShipshapeError } from '../internal/errors.js';
import type { EventSink } from '../internal/events.js';
import { terminalText } from '../internal/display-text.js';
import { colorEnabled, colors, writeResult } from './output.js';
import { createProgressRenderer } from './progress.js';
import { parseSourceDateEpoch, sourceDateEpochFromEnv } from '../internal/source-date-epoch.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'checkstyle' | 'github' | 'spdx-json' | 'cyclonedx-json' | 'html' | 'openvex' | 'cyclonedx-vex';

export interface CommonFlags {
  format: OutputFormat;
  output?: string;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
  config?: string;
  /** `--registry-timeout`: overrides `registry.deadline`. */
  registryTimeout?: string;
}

export interface VerbContext {
  flags: CommonFlags;
  loaded: LoadedConfig;
  events: EventSink;
  /** Colour functions for text output (no-ops when colour is off). */
  c: ReturnType<typeof colors>;
  /**
   * Writes the verb's result to stdout or `--output`. Text output has its control characters defused (see
   * `terminalText`) unless `verbatim`, for bytes a user asked for exactly as stored.
   */
  write(text: string, options?: { verbatim?: boolean }): Promise<void>;
  /** A one-line note on stderr, unless --quiet. */
  note(message: string): void;
  /** Sets the exit code without throwing (e.g. 1 when a threshold failed but the report was written). */
  setExitCode(code: number): void;
}

/** Commander's collector for a repeatable flag: every value in the order given. */
export function repeatable(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--source-date-epoch`, else `SOURCE_DATE_EPOCH` (empty: unset), as whole seconds; a malformed value is exit 2. */
export function sourceDateEpochFlag(flag: string | undefined): number | undefined {
  return flag === undefined ? sourceDateEpochFromEnv() : parseSourceDateEpoch(flag, '--source-date-epoch');
}

/** Adds the flags every verb has. `formats` lists what this verb can print; the first is the default. */
export function addCommonOptions(command: Command, formats: readonly OutputFormat[] = ['text', 'json']): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default(formats[0]))
    .option('-o, --output <file>', 'write the result to FILE instead of stdout')
    .option('-q, --quiet', 'print nothing but the result and errors', false)
    .option('-v, --verbose', 'more detail; stack traces on errors', false)
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('-c, --config <file>', 'configuration file (default: .shipshape.yaml found upward from the working directory)')
    .option('--registry-timeout <seconds>', 'give up on a registry request not answered within this time, retries included (registry.deadline, default 45)');
}

/** Applies `--registry-timeout` to the loaded configuration: a positive number of seconds, else exit 2. */
export function withRegistryTimeout(loaded: LoadedConfig, flag: string | undefined): LoadedConfig {
  if (flag === undefined) return loaded;
  const seconds = Number(flag);
  if (flag.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) throw new ShipshapeError('usage', `--registry-timeout: expected a number of seconds above 0, got "${flag}"`);
  return { ...loaded, config: { ...loaded.config, registry: { ...loaded.config.registry, deadline: seconds } } };
}

let pendingExitCode: number = exitCodes.ok;

/** Wraps a verb's action: builds the context, runs it, and turns failures into one line and an exit code. */
export function action(run: (ctx: VerbContext, ...args: never[]) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const flags = command.opts<CommonFlags>();
    const verbose = flags.verbose;
    try {
      const loaded = withRegistryTimeout(await loadConfig(flags.config === undefined ? {} : { file: flags.config }), flags.registryTimeout);
      const color = colorEnabled(flags.color, flags.output === undefined ? process.stdout : process.stderr) && flags.output === undefined;
      const events = createProgressRenderer({ quiet: flags.quiet, verbose });
      const ctx: VerbContext = {
        flags,
        loaded,
        events,
        c: colors(color),
        write: (text, options) => writeResult(flags.format === 'text' && options?.verbatim !== true ? terminalText(text, color) : text, flags.output === undefined ? { color } : { output: flags.output, color }),
        note: (message) => {
          if (!flags.quiet) process.stderr.write(`${terminalText(message, false)}\n`);
        },
        setExitCode: (code) => {
          pendingExitCode = Math.max(pendingExitCode, code);
        },
      };
      // commander passes the positional arguments, then the options object, then the command
      await run(ctx, ...(args.slice(0, -2) as never[]));
      process.exitCode = pendingExitCode;
    } catch (error) {
      reportError(error, verbose);
    }
  };
}

/** One line on stderr; the stack and causes only with --verbose. */
export function reportError(error: unknown, verbose: boolean): void {
  const code = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  // a message may quote what an image holds (a label name, a path): its control characters are defused as on stdout
  const firstLine = terminalText(message.split('\n')[0] ?? message, false);
  process.stderr.write(`shipshape: ${code === exitCodes.internal && !(error instanceof ShipshapeError) ? 'internal error: ' : ''}${firstLine}\n`);
  if (verbose) {
    let e: unknown = error;
    while (e instanceof Error) {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      e = e.cause;
      if (e) process.stderr.write('caused by: ');
    }
  } else if (code === exitCodes.internal) {
    process.stderr.write('shipshape: run again with --verbose for details\n');
  }
  process.exitCode = code;
}

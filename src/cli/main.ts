#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { exitCodes } from '../internal/errors.js';
import { verbs, verbsFor } from './commands/index.js';
import { reportError } from './runtime.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Builds the program with the verbs `names` names. */
export async function buildProgram(names: readonly string[] = Object.keys(verbs)): Promise<Command> {
  const program = new Command('shipshape')
    .description('Make container images small, fast to build and safe — and prove it with measured numbers.')
    .version(pkg.version, '-V, --version')
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 a policy or threshold failed, 2 usage or invalid input,\n' +
        '            3 internal error, 4 an external system (engine, registry) failed.',
    );
  program.exitOverride();
  for (const name of names) {
    const load = verbs[name];
    if (load) (await load())(program);
  }
  for (const command of program.commands) command.exitOverride();
  return program;
}

async function main(): Promise<void> {
  // a reader that stops early (`shipshape lint | head`, `2>&1 | head`) closes the pipe: the write reports it (see
  // writeResult), and the stream's error event, which would otherwise end the process with a stack trace, is not an
  // error of the run; what a closed stderr cannot take (progress, notes) is dropped
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  const program = await buildProgram(verbsFor(process.argv.slice(2)));
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every other commander error is a usage error
      process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
      return;
    }
    reportError(error, process.argv.includes('--verbose') || process.argv.includes('-v'));
  }
}

await main();

#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { exitCodes } from '../internal/errors.js';
import { verbs } from './commands/index.js';
import { reportError } from './runtime.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Builds the program with the verbs `only` names (all when undefined). */
export async function buildProgram(only?: string): Promise<Command> {
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
  const wanted = only !== undefined && only in verbs ? [only] : Object.keys(verbs);
  for (const name of wanted) {
    const load = verbs[name];
    if (load) (await load())(program);
  }
  for (const command of program.commands) command.exitOverride();
  return program;
}

async function main(): Promise<void> {
  // load only the verb the command line names; --help, unknown verbs and no verb load all of them
  const program = await buildProgram(process.argv.slice(2).find((a) => !a.startsWith('-')));
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

import type { Command } from 'commander';
import { login } from '../../api/login.js';
import { ShipshapeError } from '../../internal/errors.js';
import { action, addCommonOptions, type CommonFlags } from '../runtime.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new ShipshapeError('usage', '--password-stdin: more than 64 KiB on stdin');
    chunks.push(chunk);
  }
  // `echo $PASS | shipshape login --password-stdin` leaves a newline, as with docker login
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `shipshape login [SERVER]`: verify and save credentials where Docker keeps them. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('login')
      .description("log in to a registry: check the credentials and save them in Docker's config (or its credential helper)")
      .argument('[server]', 'registry host (default: docker.io)')
      .option('-u, --username <user>', 'user name')
      .option('-p, --password <password>', 'password or token (prefer --password-stdin: arguments are visible to other users)')
      .option('--password-stdin', 'read the password or token from stdin', false),
  ).action(
    action(async (ctx, server: string | undefined) => {
      // the runtime passes positional arguments only; this verb's own options are among the parsed flags
      const opts = ctx.flags as CommonFlags & { username?: string; password?: string; passwordStdin: boolean };
      if (opts.username === undefined) throw new ShipshapeError('usage', 'login: --username is required');
      if (opts.password !== undefined && opts.passwordStdin) throw new ShipshapeError('usage', 'login: --password and --password-stdin are mutually exclusive');
      if (opts.password === undefined && !opts.passwordStdin) throw new ShipshapeError('usage', 'login: give --password-stdin (or --password)');
      if (opts.password !== undefined) ctx.note('warning: --password on the command line is visible to other users; use --password-stdin');
      const password = opts.password ?? (await readStdin());
      const result = await login(server, opts.username, password, { config: ctx.loaded.config, events: ctx.events });
      await ctx.write(ctx.flags.format === 'json' ? JSON.stringify({ ...result, loggedIn: true }, null, 2) : `Login succeeded: ${result.registry} (saved in ${result.storedIn})`);
    }),
  );
}

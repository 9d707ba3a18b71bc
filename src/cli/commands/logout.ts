import type { Command } from 'commander';
import { logout } from '../../api/login.js';
import { action, addCommonOptions } from '../runtime.js';

/** `shipshape logout [SERVER]`: remove saved credentials. */
export function register(program: Command): void {
  addCommonOptions(
    program.command('logout').description('remove the credentials saved for a registry').argument('[server]', 'registry host (default: docker.io)'),
  ).action(
    action(async (ctx, server: string | undefined) => {
      const result = await logout(server);
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify(result, null, 2));
        return;
      }
      await ctx.write(result.removed ? `Removed credentials for ${result.registry}` : `Not logged in to ${result.registry}`);
    }),
  );
}

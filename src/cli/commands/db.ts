import type { Command } from 'commander';
import { dbImport, dbPath, dbStatus } from '../../api/scan.js';
import { action, addCommonOptions } from '../runtime.js';

/** `shipshape db import|status`: the local OSV vulnerability database. */
export function register(program: Command): void {
  const db = program.command('db').description('manage the local vulnerability database (OSV data)');
  addCommonOptions(
    db
      .command('import')
      .argument('<path>', 'an OSV JSON file, a folder of them, or an OSV export zip (all.zip)')
      .description('load OSV records into the local database (records newer than the stored ones replace them)'),
  ).action(
    action(async (ctx, path: string) => {
      const r = await dbImport(ctx.loaded.cacheDir, path, ctx.events);
      if (ctx.flags.format === 'json') await ctx.write(JSON.stringify(r, null, 2));
      else await ctx.write(`read ${r.read} records, ${r.changed} new or updated; ${r.status.records} in ${dbPath(ctx.loaded.cacheDir)}`);
    }),
  );
  addCommonOptions(db.command('status').description('how many records for which ecosystems, and when they were last imported')).action(
    action(async (ctx) => {
      const s = dbStatus(ctx.loaded.cacheDir);
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify({ path: dbPath(ctx.loaded.cacheDir), ...s }, null, 2));
        return;
      }
      const lines = [`database: ${dbPath(ctx.loaded.cacheDir)}`, `records:  ${s.records}`, `updated:  ${s.updatedAt ?? 'never (run: shipshape db import FILE|DIR)'}`];
      for (const e of s.ecosystems) lines.push(`  ${e.ecosystem.padEnd(16)} ${e.records}`);
      await ctx.write(lines.join('\n'));
    }),
  );
}

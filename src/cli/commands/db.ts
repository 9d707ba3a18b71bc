import type { Command } from 'commander';
import { dbImport, dbPath, dbStatus, dbUpdate } from '../../api/scan.js';
import { withInterrupt } from '../interrupt.js';
import { action, addCommonOptions } from '../runtime.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** `shipshape db import|update|status`: the local OSV vulnerability database. */
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
  addCommonOptions(
    db
      .command('update')
      .description('download the OSV exports (<url>/<Ecosystem>/all.zip) and replace the database atomically')
      .option('-e, --ecosystem <name>', 'an OSV ecosystem to download (repeatable or comma-separated; default: vuln.db.ecosystems, else those in the database)', collect, [])
      .option('--url <base>', 'export base URL (default: vuln.db.url, else the public OSV bucket)')
      .option('--checksums <file|url>', 'sha256sum-style list ("<hex>  <Ecosystem>/all.zip") the downloads must match')
      .option('--offline', 'refuse to touch the network (as offline: true does)', false),
  ).action(
    action(async (ctx) => {
      const flags = ctx.flags as unknown as { ecosystem: string[]; url?: string; checksums?: string; offline: boolean };
      // Ctrl-C / SIGTERM: the download stops, its partial files beside the database are removed, then the process ends by the signal
      const r = await withInterrupt((signal) =>
        dbUpdate(ctx.loaded.cacheDir, {
          ecosystems: flags.ecosystem,
          ...(flags.url === undefined ? {} : { url: flags.url }),
          ...(flags.checksums === undefined ? {} : { checksums: flags.checksums }),
          offline: flags.offline,
          config: ctx.loaded.config,
          events: ctx.events,
          signal,
        }),
      );
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify(r, null, 2));
        return;
      }
      const lines = r.ecosystems.map((e) => `${e.ecosystem}: ${e.records} records, ${e.bytes} bytes from ${e.url}${e.verified.length > 0 ? ` (${e.verified.join(', ')} verified)` : ''}`);
      lines.push(`${r.status.records} records in ${dbPath(ctx.loaded.cacheDir)}${r.removed > 0 ? ` (${r.removed} no longer in the exports removed)` : ''}`);
      await ctx.write(lines.join('\n'));
    }),
  );
  addCommonOptions(db.command('status').description('how many records for which ecosystems, and when they were last imported')).action(
    action(async (ctx) => {
      const s = dbStatus(ctx.loaded.cacheDir);
      if (ctx.flags.format === 'json') {
        await ctx.write(JSON.stringify({ path: dbPath(ctx.loaded.cacheDir), ...s }, null, 2));
        return;
      }
      const age = s.updatedAt === undefined ? undefined : (Date.now() - Date.parse(s.updatedAt)) / 3600_000;
      const lines = [
        `database: ${dbPath(ctx.loaded.cacheDir)}`,
        `records:  ${s.records}`,
        `updated:  ${s.updatedAt === undefined || age === undefined ? 'never (run: shipshape db update, or shipshape db import FILE|DIR)' : `${s.updatedAt} (${age < 48 ? `${age.toFixed(1)} hours` : `${(age / 24).toFixed(1)} days`} ago)`}`,
      ];
      for (const e of s.ecosystems) lines.push(`  ${e.ecosystem.padEnd(16)} ${e.records}`);
      if (s.sources.length > 0) lines.push(`sources:  ${s.sources.join(', ')}`);
      if (s.ecosystemsInUse.length > 0) lines.push(`in use:   ${s.ecosystemsInUse.join(', ')} (what scans looked up; a bare \`db update\` fetches these)`);
      await ctx.write(lines.join('\n'));
    }),
  );
}

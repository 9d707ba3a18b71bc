import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { scan } from '../../api/scan.js';
import { sbom, type Sbom } from '../../api/sbom.js';
import { resolveSource } from '../../api/sbom-source.js';
import { invalidInput, wrap } from '../../internal/errors.js';
import { severities, type Severity, toJson, toSarif, toText } from '../../vuln/index.js';
import { action, addCommonOptions } from '../runtime.js';
import { version } from '../version.js';

async function readSbom(path: string): Promise<Sbom> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw wrap(error, `reading ${path}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalidInput(path, 'not JSON');
  }
  const candidate = doc as Partial<Sbom>;
  if (!Array.isArray(candidate.packages) || typeof candidate.source !== 'object') {
    throw invalidInput(path, 'not an SBOM written by `shipshape sbom --format json`');
  }
  return doc as Sbom;
}

/** `--max-db-age`: plain hours, or a number with `h` or `d`. */
function parseAge(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([hd]?)\s*$/i.exec(value);
  if (!m?.[1]) throw new InvalidArgumentError('expected hours, or a duration such as 36h or 7d');
  return Number.parseFloat(m[1]) * (m[2]?.toLowerCase() === 'd' ? 24 : 1);
}

/** `shipshape scan IMAGE|DIR|SBOM.json`: known vulnerabilities from the local OSV database. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('scan')
      .argument('<source>', 'an image, a directory, or an SBOM written by `shipshape sbom --format json`')
      .description('match the packages of an image, directory or SBOM against the local vulnerability database')
      .addOption(new Option('--severity <level>', 'only report this severity and above').choices(severities))
      .option('--ignore-unfixed', 'only report vulnerabilities with a fixed version', false)
      .addOption(new Option('--fail-on <level>', 'exit 1 when a vulnerability of this severity or above is found').choices(severities.filter((s) => s !== 'unknown')))
      .option('--exit-code <code>', 'exit with this code instead of 1 when --fail-on trips', (v) => Number.parseInt(v, 10))
      .option('--max-db-age <age>', 'fail (exit 4) when the database is older than this: hours, or 36h, 7d', parseAge)
      .addOption(new Option('--stale-db <action>', 'what a database older than --max-db-age does').choices(['fail', 'warn']))
      .option('--platform <os/arch[/variant]>', 'for a multi-platform image, this platform'),
    ['text', 'json', 'sarif'],
  ).action(
    action(async (ctx, name: string) => {
      const flags = ctx.flags as unknown as { severity?: Severity; ignoreUnfixed: boolean; failOn?: Severity; exitCode?: number; maxDbAge?: number; staleDb?: 'fail' | 'warn'; platform?: string };
      const vulnConfig = ctx.loaded.config.vuln;
      const maxDbAge = flags.maxDbAge ?? vulnConfig.db.maxAge;
      let doc: Sbom;
      if (name.endsWith('.json')) doc = await readSbom(name);
      else {
        const source = await resolveSource(name, { config: ctx.loaded.config, events: ctx.events, ...(flags.platform === undefined ? {} : { platform: flags.platform }) });
        try {
          doc = await sbom(source.kind === 'image' ? { image: source.image } : { directory: source.path }, { name, events: ctx.events, tool: { name: 'shipshape', version } });
        } finally {
          await source.close();
        }
      }
      const { result, failing, warnings } = scan(doc, ctx.loaded.cacheDir, {
        ...(flags.severity ? { severity: flags.severity } : {}),
        ignoreUnfixed: flags.ignoreUnfixed,
        ...(flags.failOn ? { failOn: flags.failOn } : {}),
        ...(maxDbAge === undefined ? {} : { maxDbAgeHours: maxDbAge }),
        staleDb: flags.staleDb ?? vulnConfig.db.stale,
      });
      for (const w of warnings) ctx.note(`shipshape: warning: ${w}`);
      const format = ctx.flags.format;
      await ctx.write(format === 'json' ? toJson(result) : format === 'sarif' ? toSarif(result, version, name) : toText(result));
      if (result.db.records === 0) ctx.note('shipshape: no vulnerability database imported: run `shipshape db import FILE|DIR`');
      if (failing.length > 0) {
        ctx.note(`shipshape: ${failing.length} vulnerabilities at or above ${flags.failOn ?? ''}`);
        ctx.setExitCode(flags.exitCode ?? 1);
      }
    }),
  );
}

import { type Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadScanPolicy, readSbomFile, scan, scanInput } from '../../api/scan.js';
import type { Sbom } from '../../api/sbom.js';
import { resolveSource } from '../../api/sbom-source.js';
import { type CodePresence, severities, type Severity, toCycloneDxVex, toJson, toOpenVex, toSarif, toText } from '../../vuln/index.js';
import { writeResult } from '../output.js';
import { action, addCommonOptions } from '../runtime.js';
import { version } from '../version.js';

interface ScanFlags {
  severity?: Severity;
  ignoreUnfixed: boolean;
  failOn?: Severity;
  exitCode?: number;
  maxDbAge?: number;
  staleDb?: 'fail' | 'warn';
  ignoreFile?: string;
  baseline?: string;
  writeBaseline?: string;
  vex: string[];
  platform?: string;
}

function parseExitCode(value: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) > 255) throw new InvalidArgumentError('expected an exit code 0–255');
  return Number(value);
}

/** `--ignore-file`, else `vuln.ignoreFile` (relative to the config file), else `./.shipshape-ignore.yaml` when it exists. */
function ignoreFileFor(flags: ScanFlags, configPath: string | undefined, configured: string | undefined): string | undefined {
  if (flags.ignoreFile !== undefined) return flags.ignoreFile;
  if (configured !== undefined) return resolve(configPath ? dirname(configPath) : process.cwd(), configured);
  return existsSync(defaultIgnoreFile) ? defaultIgnoreFile : undefined;
}

const defaultIgnoreFile = '.shipshape-ignore.yaml';

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
      .option('--exit-code <code>', 'exit with this code when --fail-on trips (instead of 1), or, without --fail-on, when anything is reported (as trivy does)', parseExitCode)
      .option('--max-db-age <age>', 'fail (exit 4) when the database is older than this: hours, or 36h, 7d', parseAge)
      .addOption(new Option('--stale-db <action>', 'what a database older than --max-db-age does').choices(['fail', 'warn']))
      .option('--ignore-file <file>', 'ignore entries (ids, optional package, reason, expiry); default: vuln.ignoreFile, else ./.shipshape-ignore.yaml if present')
      .option('--baseline <file>', 'accepted findings (written by --write-baseline): suppressed')
      .option('--write-baseline <file>', 'write the reported findings (and those already accepted) as a baseline')
      .option('--vex <file>', 'OpenVEX document: not_affected and fixed statements suppress (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
      .option('--platform <os/arch[/variant]>', 'for a multi-platform image, this platform'),
    ['text', 'json', 'sarif', 'openvex', 'cyclonedx-vex'],
  ).action(
    action(async (ctx, name: string) => {
      const flags = ctx.flags as unknown as ScanFlags;
      const vulnConfig = ctx.loaded.config.vuln;
      const maxDbAge = flags.maxDbAge ?? vulnConfig.db.maxAge;
      const policy = await loadScanPolicy({ ignoreFile: ignoreFileFor(flags, ctx.loaded.path, vulnConfig.ignoreFile), baseline: flags.baseline, vex: flags.vex });
      let doc: Sbom;
      let presence: CodePresence | undefined;
      if (name.endsWith('.json')) doc = await readSbomFile(name);
      else {
        const source = await resolveSource(name, { config: ctx.loaded.config, events: ctx.events, ...(flags.platform === undefined ? {} : { platform: flags.platform }) });
        try {
          ({ sbom: doc, presence } = await scanInput(source.kind === 'image' ? { image: source.image } : { directory: source.path }, { name, events: ctx.events, tool: { name: 'shipshape', version } }));
        } finally {
          await source.close();
        }
      }
      const { result, failing, warnings, baseline } = scan(doc, ctx.loaded.cacheDir, {
        ...policy,
        ...(presence ? { presence } : {}),
        ...(flags.severity ? { severity: flags.severity } : {}),
        ignoreUnfixed: flags.ignoreUnfixed,
        ...(flags.failOn ? { failOn: flags.failOn } : {}),
        ...(flags.exitCode === undefined ? {} : { gate: true }),
        ...(maxDbAge === undefined ? {} : { maxDbAgeHours: maxDbAge }),
        staleDb: flags.staleDb ?? vulnConfig.db.stale,
      });
      for (const w of warnings) ctx.note(`shipshape: warning: ${w}`);
      const format = ctx.flags.format;
      const now = process.env.SOURCE_DATE_EPOCH && /^\d+$/.test(process.env.SOURCE_DATE_EPOCH) ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString() : new Date().toISOString();
      const text =
        format === 'json'
          ? toJson(result)
          : format === 'sarif'
            ? toSarif(result, version, name)
            : format === 'openvex'
              ? toOpenVex(result, version, now)
              : format === 'cyclonedx-vex'
                ? toCycloneDxVex(result, version, now)
                : toText(result);
      if (flags.writeBaseline !== undefined) await writeResult(`${JSON.stringify(baseline, null, 2)}\n`, { output: flags.writeBaseline, color: false });
      await ctx.write(text);
      for (const e of result.expiredIgnores) ctx.note(`shipshape: warning: ignore entry ${e.id}${e.package ? ` (${e.package})` : ''} expired on ${e.expires ?? ''} and no longer suppresses`);
      if (result.db.records === 0) ctx.note('shipshape: no vulnerability database imported: run `shipshape db update` or `shipshape db import FILE|DIR`');
      // trivy's --exit-code without a threshold: anything reported fails
      const failed = flags.failOn === undefined && flags.exitCode !== undefined ? result.matches : failing;
      if (failed.length > 0) {
        ctx.note(`shipshape: ${failed.length} vulnerabilities${flags.failOn ? ` at or above ${flags.failOn}` : ''}`);
        ctx.setExitCode(flags.exitCode ?? 1);
      }
    }),
  );
}

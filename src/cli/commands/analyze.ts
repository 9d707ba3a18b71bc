import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { analyze, type DiveRules, type Thresholds } from '../../api/analyze.js';
import { openImage } from '../../api/open-image.js';
import { formatHtml } from '../../analyze/formatters/html.js';
import { formatSarif } from '../../analyze/formatters/sarif.js';
import { formatText } from '../../analyze/formatters/text.js';
import { parseByteSize, parseDiveCi, parseRatio } from '../../analyze/gate.js';
import { wrap } from '../../internal/errors.js';
import { writeResult } from '../output.js';
import { action, addCommonOptions, type CommonFlags } from '../runtime.js';
import { version } from '../version.js';

interface AnalyzeFlags {
  platform?: string;
  maxSize?: number;
  maxCompressedSize?: number;
  minEfficiency?: number;
  maxWasted?: number;
  maxWastedPercent?: number;
  forbidRoot?: boolean;
  forbidCategory?: string[];
  forbidSecrets?: boolean;
  ciConfig?: string;
  exportJson?: string;
  exportHtml?: string;
}

/**
 * A gate flag's value, checked as commander reads it: a bad one is one usage line naming the flag (exit 2) before
 * any image is opened, as hadolint and trivy refuse a bad flag value.
 */
function gateValue(parse: (value: string) => number): (value: string) => number {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}
// no subject: commander's line already names the flag and its value
const size = gateValue((v) => parseByteSize(v, ''));
const ratio = gateValue((v) => parseRatio(v, ''));

/** `shipshape analyze IMAGE`: explain every byte, gate CI on thresholds. */
export function register(program: Command): void {
  addCommonOptions(
    program
      .command('analyze')
      .description('explain every byte of an image: layers, waste, content never needed at runtime, security facts; gate CI on thresholds')
      .argument('<image>', 'oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, dir:DIR, rootfs:DIR or docker-daemon:NAME'),
    ['text', 'json', 'sarif', 'html'],
  )
    .option('--platform <os/arch>', 'the image to pick from an index', 'linux/amd64')
    .option('--max-size <size>', 'fail when the filesystem is bigger (200MB, 1.5GiB)', size)
    .option('--max-compressed-size <size>', 'fail when the compressed layers are bigger', size)
    .option('--min-efficiency <ratio>', 'fail below this efficiency (0.95 or 95%)', ratio)
    .option('--max-wasted <size>', 'fail when more bytes are wasted', size)
    .option('--max-wasted-percent <ratio>', 'fail when more of the shipped bytes are wasted (0.1 or 10%)', ratio)
    .option('--forbid-root', 'fail when the container runs as root')
    .addOption(new Option('--forbid-category <id...>', 'fail when a removable category is not empty'))
    .option('--forbid-secrets', 'fail on secret-looking ENV, labels or history')
    .option('--ci-config <file>', "dive's .dive-ci rules (default: ./.dive-ci when it exists)")
    .option('--export-json <file>', 'also write the JSON report to FILE')
    .option('--export-html <file>', 'also write the HTML report to FILE')
    .action(
      action(async (ctx, reference: string) => {
        // ctx.flags is commander's whole option object; the runtime types only the common part
        const flags = ctx.flags as CommonFlags & AnalyzeFlags;
        const configured = ctx.loaded.config.analyze;
        const thresholds: Thresholds = { ...configured.thresholds };
        if (flags.maxSize !== undefined) thresholds.maxSize = flags.maxSize;
        if (flags.maxCompressedSize !== undefined) thresholds.maxCompressedSize = flags.maxCompressedSize;
        if (flags.minEfficiency !== undefined) thresholds.minEfficiency = flags.minEfficiency;
        if (flags.maxWasted !== undefined) thresholds.maxWastedBytes = flags.maxWasted;
        if (flags.maxWastedPercent !== undefined) thresholds.maxWastedPercent = flags.maxWastedPercent;
        if (flags.forbidRoot === true) thresholds.forbidRoot = true;
        if (flags.forbidSecrets === true) thresholds.forbidSecrets = true;
        if (flags.forbidCategory) thresholds.forbidCategories = [...(thresholds.forbidCategories ?? []), ...flags.forbidCategory];
        let dive: DiveRules = { ...configured.dive };
        const diveFile = flags.ciConfig ?? (existsSync('.dive-ci') ? '.dive-ci' : undefined);
        if (diveFile !== undefined) {
          let text: string;
          try {
            text = await readFile(diveFile, 'utf8');
          } catch (error) {
            throw wrap(error, `reading ${diveFile}`);
          }
          dive = { ...dive, ...parseDiveCi(text, diveFile) };
        }
        const opened = await openImage(reference, { ...(flags.platform === undefined ? {} : { platform: flags.platform }), config: ctx.loaded.config, events: ctx.events });
        try {
          const { report, gate } = await analyze(opened.image, { reference, thresholds, dive, events: ctx.events });
          const json = `${JSON.stringify({ ...report, gate }, null, 2)}\n`;
          if (flags.exportJson !== undefined) await writeResult(json, { output: flags.exportJson, color: false });
          if (flags.exportHtml !== undefined) await writeResult(formatHtml(report, gate), { output: flags.exportHtml, color: false });
          switch (ctx.flags.format) {
            case 'json':
              await ctx.write(json);
              break;
            case 'sarif':
              await ctx.write(formatSarif(report, version));
              break;
            case 'html':
              await ctx.write(formatHtml(report, gate));
              break;
            default:
              await ctx.write(formatText(report, gate, ctx.c, Math.max(80, process.stdout.columns || 100)));
          }
          if (gate.enabled && !gate.passed) {
            for (const c of gate.checks.filter((x) => !x.passed)) process.stderr.write(`shipshape: threshold failed: ${c.id}: ${c.message}\n`);
            ctx.setExitCode(1);
          }
        } finally {
          await opened.close();
        }
      }),
    );
}

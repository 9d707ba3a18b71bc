/**
 * Where a verb's result goes: stdout, or `--output FILE` written atomically (a temp file beside it, renamed
 * into place when complete) so that a failed run leaves no partial file behind.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import pc from 'picocolors';
import { wrap } from '../internal/errors.js';

export interface OutputOptions {
  output?: string;
  color: boolean;
}

export async function writeResult(text: string, options: OutputOptions): Promise<void> {
  const body = text.endsWith('\n') || text.length === 0 ? text : `${text}\n`;
  if (options.output === undefined || options.output === '-') {
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(body, (error) => {
        // a reader that stopped early (`| head`) closed the pipe: what it did not read is not wanted, and the run
        // ends with the exit code of its result, not a write error
        if (error && (error as NodeJS.ErrnoException).code !== 'EPIPE') reject(error);
        else resolve();
      });
    });
    return;
  }
  const temp = join(dirname(options.output), `.${basename(options.output)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, body);
    await rename(temp, options.output);
  } catch (error) {
    await rm(temp, { force: true });
    throw wrap(error, `writing ${options.output}`);
  }
}

/** Decimal units, as `docker images` prints them: `512 B`, `1.5 kB`, `45.2 MB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i] ?? ''}`;
}

/** Megabytes with one decimal (`43.0 MB`), the unit of the build reports. */
export function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** Colour is on for a TTY unless `--no-color` or `NO_COLOR` (https://no-color.org) says otherwise. */
export function colorEnabled(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flag === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY;
}

export function colors(enabled: boolean): ReturnType<typeof pc.createColors> {
  return pc.createColors(enabled);
}

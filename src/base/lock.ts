/**
 * The lock file: exactly which package versions (and the bytes, by SHA256) a base was built from, so
 * `--locked` rebuilds the same image later, from the cache when the archive has moved on.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { wrap } from '../internal/errors.js';
import { parseJson } from '../internal/parse-json.js';
import { presetNames } from './presets.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const lockSchema = z.strictObject({
  lockfileVersion: z.literal(1),
  preset: z.enum(presetNames as [string, ...string[]]),
  architecture: z.string().min(1),
  /** Extra packages asked for with --package. */
  extraPackages: z.array(z.string()),
  packages: z.array(
    z.strictObject({
      name: z.string().min(1),
      version: z.string().min(1),
      architecture: z.string().min(1),
      /** Archive root and path: the download URL is `${archive}/${filename}`. */
      archive: z.url(),
      filename: z.string().min(1),
      size: z.number().int().nonnegative(),
      sha256,
    }),
  ),
  /**
   * The Node.js binary of the nodejs preset, by hash (its path is the builder's business); `stripped`: the binary as
   * installed, without its symbol table and debug info (absent: installed as it is).
   */
  nodeBinary: z
    .strictObject({
      sha256,
      size: z.number().int().nonnegative(),
      npm: z.string().regex(/^node-linux-(x64|arm64)@\d+\.\d+\.\d+$/).optional(),
      stripped: z.strictObject({ sha256, size: z.number().int().nonnegative() }).optional(),
    })
    .optional(),
});

export type BaseLock = z.infer<typeof lockSchema>;

export function serializeLock(lock: BaseLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

export async function readLock(path: string): Promise<BaseLock> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw wrap(error, `reading lock file ${path}`);
  }
  return parseJson(text, lockSchema, path, 'a base lock file');
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { z } from 'zod';
import { invalidInput, wrap } from '../internal/errors.js';
import { type Config, configSchema } from './schema.js';

export const configFileName = '.shipshape.yaml';

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or undefined when defaults apply. */
  path: string | undefined;
  /** Absolute cache directory. */
  cacheDir: string;
}

/** Finds `.shipshape.yaml` from `start` upward to the filesystem root. */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, configFileName);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (field ? `${field}.${k}` : k));
    return `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${field ? `"${field}": ` : ''}${issue.message}`;
}

/** Parses and validates config text; errors name the file and the field. */
export function parseConfig(text: string, path: string): Config {
  // yaml is loaded only when there is a config file to parse: most runs have none, and it costs start-up time
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first?.linePos?.[0].line;
    throw invalidInput(line === undefined ? path : `${path}:${line}`, `invalid YAML: ${first?.message.split('\n')[0] ?? 'parse error'}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    throw invalidInput(path, first ? describeIssue(first) : 'invalid configuration');
  }
  return result.data;
}

/** Loads the configuration that applies in `cwd`, or an explicit file. */
export async function loadConfig(options: { cwd?: string; file?: string } = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const path = options.file ? resolve(cwd, options.file) : findConfigFile(cwd);
  let config: Config;
  if (path === undefined) {
    config = configSchema.parse({});
  } else {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw wrap(error, `reading ${path}`);
    }
    config = parseConfig(text, path);
  }
  const base = path ? dirname(path) : cwd;
  // resolved here, from the file's directory, so that every user of the config sees the same absolute path
  if (config.cacheDir !== undefined) config = { ...config, cacheDir: resolve(base, config.cacheDir) };
  return { config, path, cacheDir: cacheDirOf(config) };
}

/**
 * The cache directory (blobs, spooled engine exports, databases): the configured one when it is absolute (as
 * `loadConfig` makes it), else `SHIPSHAPE_CACHE_DIR`, else `$XDG_CACHE_HOME/shipshape` or `~/.cache/shipshape`.
 */
export function cacheDirOf(config: Pick<Config, 'cacheDir'>): string {
  if (config.cacheDir !== undefined && isAbsolute(config.cacheDir)) return config.cacheDir;
  return process.env.SHIPSHAPE_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shipshape');
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { wrap } from '../internal/errors.js';
import { defaultConfig } from './defaults.js';
import type { Config } from './schema.js';

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

/** Loads the configuration that applies in `cwd`, or an explicit file. */
export async function loadConfig(options: { cwd?: string; file?: string } = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const path = options.file ? resolve(cwd, options.file) : findConfigFile(cwd);
  let config: Config;
  if (path === undefined) {
    config = defaultConfig();
  } else {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw wrap(error, `reading ${path}`);
    }
    // yaml and the zod schema load only when there is a file to read (most of a lint run's start-up otherwise)
    const { parseConfig } = await import('./parse.js');
    config = parseConfig(text, path);
  }
  const base = path ? dirname(path) : cwd;
  // resolved here, from the file's directory, so that every user of the config sees the same absolute path
  if (config.cacheDir !== undefined) config = { ...config, cacheDir: resolve(base, config.cacheDir) };
  const { golang, rust } = config.sbom;
  if (golang.localModCacheDir !== undefined) config = { ...config, sbom: { ...config.sbom, golang: { ...golang, localModCacheDir: resolve(base, golang.localModCacheDir) } } };
  if (rust.cargoHome !== undefined) config = { ...config, sbom: { ...config.sbom, rust: { ...rust, cargoHome: resolve(base, rust.cargoHome) } } };
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

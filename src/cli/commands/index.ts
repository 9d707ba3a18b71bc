/**
 * Every verb, one file each; test/meta checks that this list matches the folder. Verbs load lazily, so a run
 * pays only for the verb it names (a Dockerfile lint does not load the image, SBOM or registry code).
 */
import type { Command } from 'commander';

export type Register = (program: Command) => void;

export const verbs: Record<string, () => Promise<Register>> = {
  analyze: async () => (await import('./analyze.js')).register,
  base: async () => (await import('./base.js')).register,
  build: async () => (await import('./build.js')).register,
  catalog: async () => (await import('./catalog.js')).register,
  check: async () => (await import('./check.js')).register,
  config: async () => (await import('./config.js')).register,
  context: async () => (await import('./context.js')).register,
  copy: async () => (await import('./copy.js')).register,
  db: async () => (await import('./db.js')).register,
  delete: async () => (await import('./delete.js')).register,
  diff: async () => (await import('./diff.js')).register,
  digest: async () => (await import('./digest.js')).register,
  init: async () => (await import('./init.js')).register,
  inspect: async () => (await import('./inspect.js')).register,
  lint: async () => (await import('./lint.js')).register,
  login: async () => (await import('./login.js')).register,
  logout: async () => (await import('./logout.js')).register,
  sbom: async () => (await import('./sbom.js')).register,
  scan: async () => (await import('./scan.js')).register,
  secrets: async () => (await import('./secrets.js')).register,
  tags: async () => (await import('./tags.js')).register,
};

/**
 * The verbs a command line needs loaded: the one it names; none for `--version` alone, which prints from
 * package.json; every verb for help, an unknown verb or none (commander lists them or suggests one).
 */
export function verbsFor(args: readonly string[]): string[] {
  const named = args.find((a) => !a.startsWith('-'));
  if (named !== undefined && named in verbs) return [named];
  if (named === undefined && args.some((a) => a === '-V' || a === '--version')) return [];
  return Object.keys(verbs);
}

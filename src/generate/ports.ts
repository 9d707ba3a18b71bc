/** The port an app listens on, read from its sources: the first literal that a listen call or a PORT default names. */
import type { ProjectFiles } from './project-files.js';

/**
 * Searches `sources` in order and returns the first port that one of `patterns` captures (group 1),
 * ignoring privileged ports a non-root process cannot bind.
 */
export async function findPort(files: ProjectFiles, sources: string[], patterns: RegExp[]): Promise<number | undefined> {
  for (const source of sources) {
    const text = await files.readText(source, 512 * 1024).catch(() => undefined);
    if (text === undefined) continue;
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const port = Number(match[1]);
        if (Number.isInteger(port) && port >= 1024 && port <= 65535) return port;
      }
    }
  }
  return undefined;
}

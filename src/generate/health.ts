/**
 * The HTTP health-check path an app serves, read from its sources: a string literal naming one of the paths
 * Kubernetes probes conventionally use. Only literals that a route definition would hold count (`'/healthz'`,
 * `"/api/health"`), never a path inside a longer string.
 */
import type { ProjectFiles } from './project-files.js';

/** In order of preference: the Kubernetes-style names first (`/healthz` is what kubelet docs and most Go servers use). */
const names = ['healthz', 'livez', 'readyz', 'health', 'healthcheck', 'ping'];
const literal = new RegExp(`["'\`]((?:/api)?/(?:${names.join('|')}))["'\`]`, 'g');

/** The first health path the `sources` name, preferring the earlier entries of `names`; undefined when none. */
export async function findHealthPath(files: ProjectFiles, sources: string[]): Promise<string | undefined> {
  const found = new Set<string>();
  for (const source of sources) {
    const text = await files.readText(source, 512 * 1024).catch(() => undefined);
    if (text === undefined) continue;
    for (const match of text.matchAll(literal)) if (match[1] !== undefined) found.add(match[1]);
  }
  const rank = (path: string): number => names.indexOf(path.split('/').pop() ?? '');
  return [...found].sort((a, b) => rank(a) - rank(b) || a.length - b.length)[0];
}

/**
 * Next.js app router: a route is a folder (`app/healthz/route.ts` serves `/healthz`), so the path comes from the
 * route files' folders, not from a literal. `routeFiles` are relative to the project root, `appDir` the `app`
 * folder they were found under.
 */
export function healthPathFromRoutes(routeFiles: string[], appDir: string): string | undefined {
  const paths = routeFiles
    .map((file) => `/${file.slice(appDir.length + 1).split('/').slice(0, -1).join('/')}`)
    .filter((path) => new RegExp(`^(?:/api)?/(?:${names.join('|')})$`).test(path));
  const rank = (path: string): number => names.indexOf(path.split('/').pop() ?? '');
  return paths.sort((a, b) => rank(a) - rank(b) || a.length - b.length)[0];
}

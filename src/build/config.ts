/** The runtime config and OCI annotations of a built image. */
import type { ContainerConfig, Image } from '../image/types.js';
import { invalidInput } from '../internal/errors.js';

/** distroless's nonroot user and group. */
export const nonrootUser = '65532:65532';

export interface ConfigInput {
  base: Image;
  /** Reference of the base as the user named it (or the preset), for `org.opencontainers.image.base.name`. */
  baseName: string;
  entrypoint: string[];
  workingDir: string;
  /** `K=V` pairs that override the base's and the defaults. */
  env: readonly string[];
  defaults: readonly string[];
  ports: readonly number[];
  labels: Readonly<Record<string, string>>;
  created: string;
  title?: string;
  version?: string;
  source?: string;
  revision?: string;
}

/** Checks and normalises `K=V` (names as POSIX shells accept them). */
export function parseEnv(pairs: readonly string[]): string[] {
  return pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalidInput(`--env ${pair}`, 'expected NAME=VALUE');
    return pair;
  });
}

/** Later pairs win, keeping the position of a name's first appearance. */
function mergeEnv(...lists: (readonly string[])[]): string[] {
  const order: string[] = [];
  const values = new Map<string, string>();
  for (const list of lists) {
    for (const pair of list) {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      if (!values.has(name)) order.push(name);
      values.set(name, pair);
    }
  }
  return order.map((n) => values.get(n) ?? n);
}

/** The container config and the manifest annotations (the OCI `org.opencontainers.image.*` keys, also as labels). */
export function imageConfig(input: ConfigInput): { config: ContainerConfig; annotations: Record<string, string> } {
  for (const port of input.ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidInput(`--port ${port}`, 'not a TCP port number');
  }
  const annotations: Record<string, string> = {
    'org.opencontainers.image.created': input.created,
    'org.opencontainers.image.base.name': input.baseName,
    'org.opencontainers.image.base.digest': input.base.digest,
    ...(input.title === undefined ? {} : { 'org.opencontainers.image.title': input.title }),
    ...(input.version === undefined ? {} : { 'org.opencontainers.image.version': input.version }),
    ...(input.source === undefined ? {} : { 'org.opencontainers.image.source': input.source }),
    ...(input.revision === undefined ? {} : { 'org.opencontainers.image.revision': input.revision }),
  };
  const labels = Object.fromEntries(Object.entries({ ...annotations, ...input.labels }).sort(([a], [b]) => (a < b ? -1 : 1)));
  const ports = [...new Set(input.ports)].sort((a, b) => a - b);
  const config: ContainerConfig = {
    User: nonrootUser,
    Env: mergeEnv(input.base.config.config?.Env ?? [], input.defaults, input.env),
    Entrypoint: input.entrypoint,
    WorkingDir: input.workingDir,
    ...(ports.length === 0 ? {} : { ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])) }),
    Labels: labels,
  };
  return { config, annotations: Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/** RFC 3339 without fractions, as Docker and distroless write it. */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

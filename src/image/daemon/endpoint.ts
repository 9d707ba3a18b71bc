/**
 * Where the Docker Engine API listens: an explicit host (config `engine.host`, flag), else `DOCKER_HOST`, else
 * Docker's default unix socket. Podman's Docker-compatible socket is just another unix:// endpoint.
 */
import { invalidInput } from '../../internal/errors.js';

export const defaultSocket = '/var/run/docker.sock';

export type Endpoint =
  | { kind: 'unix'; socketPath: string; display: string }
  | { kind: 'tcp'; host: string; port: number; display: string };

/**
 * Parses an endpoint as the docker CLI spells it: `unix:///path`, `tcp://host:port`, `http://host:port`.
 * TLS (`DOCKER_TLS_VERIFY`, `https://`) is not supported: an engine reached over TCP must be on a trusted network.
 */
export function parseEndpoint(value: string, subject = 'DOCKER_HOST'): Endpoint {
  const trimmed = value.trim();
  if (trimmed.startsWith('unix://')) {
    const socketPath = trimmed.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw invalidInput(subject, `"${value}": unix:// needs an absolute socket path`);
    return { kind: 'unix', socketPath, display: trimmed };
  }
  if (trimmed.startsWith('/')) return { kind: 'unix', socketPath: trimmed, display: `unix://${trimmed}` };
  const match = /^(tcp|http):\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(trimmed);
  if (match) {
    const host = (match[2] ?? '').replace(/^\[|\]$/g, '');
    const port = match[3] === undefined ? 2375 : Number(match[3]);
    if (port < 1 || port > 65535) throw invalidInput(subject, `"${value}": port out of range`);
    return { kind: 'tcp', host, port, display: `tcp://${match[2] ?? host}:${port}` };
  }
  if (/^(https|ssh|npipe):/.test(trimmed)) {
    throw invalidInput(subject, `"${value}": only unix:// and plain tcp:// engine endpoints are supported`);
  }
  throw invalidInput(subject, `"${value}" is not an engine endpoint (unix:///path or tcp://host:port)`);
}

/** The endpoint in effect: `explicit` (config or flag), then `DOCKER_HOST`, then the default socket. */
export function resolveEndpoint(explicit?: string, env: NodeJS.ProcessEnv = process.env): Endpoint {
  if (explicit !== undefined && explicit !== '') return parseEndpoint(explicit, 'engine.host');
  const fromEnv = env.DOCKER_HOST;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '') {
      throw invalidInput('DOCKER_TLS_VERIFY', 'TLS connections to the engine are not supported; unset it or use a unix socket');
    }
    return parseEndpoint(fromEnv);
  }
  return { kind: 'unix', socketPath: defaultSocket, display: `unix://${defaultSocket}` };
}

/**
 * A small Docker Engine API client over node:http: just what shipshape needs to read images from and load images
 * into an engine (Docker or Podman's compatible socket). The API version is negotiated once per client as the
 * docker CLI does: the lower of the engine's (`/_ping` header `API-Version`, else `/version`) and ours.
 * Engine API reference: https://docs.docker.com/engine/api/v1.41/
 */
import { request, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { externalFailure, invalidInput, notFound, ShipshapeError } from '../../internal/errors.js';
import { issueField } from '../../internal/zod-issues.js';
import { type Endpoint, resolveEndpoint } from './endpoint.js';

/** The newest API version this client speaks; it uses nothing newer than 1.41 (Docker 20.10) features. */
export const maxApiVersion = '1.43';
/** Engines older than this (Docker 1.13) lack `/images/load` quiet mode and `/_ping` headers. */
export const minApiVersion = '1.25';
/** Error bodies are read up to this many bytes; an engine's error is one short JSON object. */
export const maxErrorBody = 64 * 1024;
const maxJsonBody = 16 * 1024 * 1024;

export interface EngineClientOptions {
  /** Endpoint (`unix:///run/podman/podman.sock`, `tcp://127.0.0.1:2375`); default `DOCKER_HOST`, then the local socket. */
  host?: string;
  /** Socket inactivity timeout for ordinary requests, in ms (default 60 s). */
  timeoutMs?: number;
}

export interface EngineVersion {
  /** The negotiated API version used for every request. */
  apiVersion: string;
  /** The engine's own version (`20.10.24`, or Podman's `4.3.1`). */
  version: string;
  os: string;
  arch: string;
  /** Podman's Docker-compatible API rather than Docker. */
  podman: boolean;
  /** Whether `/images/load` accepts zstd layers: Docker ≥ 23.0 and Podman. */
  readsZstd: boolean;
}

const versionSchema = z.looseObject({
  Version: z.string(),
  ApiVersion: z.string(),
  Os: z.string().optional(),
  Arch: z.string().optional(),
  Components: z.array(z.looseObject({ Name: z.string() })).nullable().optional(),
});

const inspectSchema = z.looseObject({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullable().optional(),
  RepoDigests: z.array(z.string()).nullable().optional(),
  Created: z.string().optional(),
  Size: z.number().optional(),
  Architecture: z.string().optional(),
  Os: z.string().optional(),
  Variant: z.string().optional(),
  Config: z.looseObject({}).nullable().optional(),
  RootFS: z.looseObject({ Type: z.string(), Layers: z.array(z.string()).nullable().optional() }).optional(),
});

export type EngineImageInspect = z.output<typeof inspectSchema>;

const historySchema = z.array(
  z.looseObject({
    Id: z.string(),
    Created: z.number(),
    CreatedBy: z.string(),
    Tags: z.array(z.string()).nullable().optional(),
    Size: z.number(),
    Comment: z.string().optional(),
  }),
);

export type EngineHistoryEntry = z.output<typeof historySchema>[number];

/** One message of the JSON stream `/images/load` answers with. */
const loadMessageSchema = z.looseObject({
  stream: z.string().optional(),
  error: z.string().optional(),
  errorDetail: z.looseObject({ message: z.string().optional() }).optional(),
});

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Reads a response body up to `limit` bytes; beyond that the rest is discarded (and the socket destroyed). */
async function readBounded(response: IncomingMessage, limit: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const room = limit - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      response.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

/** The engine's error message from its JSON error body, on one line and at most 300 characters. */
function errorMessage(body: Buffer, status: number): string {
  let text = body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string') {
      text = (parsed as { message: string }).message;
    }
  } catch {
    // not JSON (a proxy's HTML page, a truncated body): use the text itself
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (text.length > 300) text = `${text.slice(0, 300)}…`;
  return text === '' ? `HTTP ${status}` : `${text} (HTTP ${status})`;
}

interface SendOptions {
  query?: Record<string, string>;
  body?: Readable;
  contentType?: string;
  /** Socket inactivity timeout for this request. */
  timeoutMs?: number;
  /** Unversioned path (`/_ping`). */
  raw?: boolean;
  /** What the request is about, for messages: `docker-daemon:app:1`. */
  subject?: string;
}

/** Encodes an image name or ID for a path segment; `/` stays, as the engine's router expects names with slashes. */
function imagePath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

export class EngineClient {
  readonly endpoint: Endpoint;
  private readonly timeoutMs: number;
  private negotiated: Promise<EngineVersion> | undefined;

  constructor(options: EngineClientOptions = {}) {
    this.endpoint = resolveEndpoint(options.host);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Names the engine in messages. */
  get name(): string {
    return `Docker engine at ${this.endpoint.display}`;
  }

  private send(method: string, path: string, options: SendOptions = {}, version?: string): Promise<IncomingMessage> {
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const fullPath = `${options.raw === true || version === undefined ? '' : `/v${version}`}${path}${query}`;
    const target = this.endpoint.kind === 'unix' ? { socketPath: this.endpoint.socketPath } : { host: this.endpoint.host, port: this.endpoint.port };
    const headers: Record<string, string> = { Host: this.endpoint.kind === 'unix' ? 'docker' : `${this.endpoint.host}:${this.endpoint.port}` };
    if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
    return new Promise((resolvePromise, reject) => {
      // One connection per request (agent: false): few requests, and no idle keep-alive socket outliving the work.
      const req = request({ ...target, method, path: fullPath, headers, agent: false });
      req.setTimeout(options.timeoutMs ?? this.timeoutMs, () => {
        req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      });
      req.once('response', resolvePromise);
      req.once('error', (error: NodeJS.ErrnoException) => {
        reject(this.connectionError(error, `${method} ${path}`));
      });
      if (options.body) {
        options.body.once('error', (error) => req.destroy(error));
        options.body.pipe(req);
      } else {
        req.end();
      }
    });
  }

  private connectionError(error: NodeJS.ErrnoException, what: string): ShipshapeError {
    if (error instanceof ShipshapeError) return error;
    const reason =
      error.code === 'ENOENT'
        ? 'no such socket'
        : error.code === 'ECONNREFUSED'
          ? 'connection refused'
          : error.code === 'EACCES'
            ? 'permission denied'
            : (error.code ?? error.message);
    return externalFailure(this.name, `cannot reach the engine (${reason}; ${what}): is it running? Set DOCKER_HOST or engine.host`, error);
  }

  /** Turns a non-2xx response into a ShipshapeError with the engine's own message. */
  private async failure(response: IncomingMessage, subject: string): Promise<ShipshapeError> {
    const status = response.statusCode ?? 0;
    const { body } = await readBounded(response, maxErrorBody);
    const message = errorMessage(body, status);
    if (status === 404) return notFound(subject, message);
    if (status === 400 || status === 409) return invalidInput(subject, message);
    return externalFailure(subject, `the engine failed: ${message}`);
  }

  private async call(method: string, path: string, options: SendOptions = {}): Promise<IncomingMessage> {
    const { apiVersion } = await this.version();
    const response = await this.send(method, path, options, apiVersion);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw await this.failure(response, options.subject ?? this.name);
    return response;
  }

  private async json(path: string, subject: string): Promise<unknown> {
    const response = await this.call('GET', path, { subject });
    const { body, truncated } = await readBounded(response, maxJsonBody);
    if (truncated) throw externalFailure(subject, `the engine's answer to ${path} is larger than ${maxJsonBody} bytes`);
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw externalFailure(subject, `the engine answered ${path} with invalid JSON`, error);
    }
  }

  private parse<T extends z.ZodType>(schema: T, value: unknown, subject: string, what: string): z.output<T> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    throw externalFailure(subject, `unexpected answer from the engine to ${what}: field "${issueField(issue)}": ${issue?.message ?? 'invalid'}`);
  }

  /** Negotiates the API version (once) and describes the engine. */
  version(): Promise<EngineVersion> {
    this.negotiated ??= this.negotiate();
    return this.negotiated;
  }

  private async negotiate(): Promise<EngineVersion> {
    const ping = await this.send('GET', '/_ping', { raw: true, timeoutMs: Math.min(this.timeoutMs, 15_000) });
    await readBounded(ping, maxErrorBody);
    const header = ping.headers['api-version'];
    const status = ping.statusCode ?? 0;
    if (status !== 200) throw externalFailure(this.name, `the engine answered /_ping with HTTP ${status}`);
    const versionResponse = await this.send('GET', '/version', { raw: true });
    if ((versionResponse.statusCode ?? 0) !== 200) throw await this.failure(versionResponse, this.name);
    const { body } = await readBounded(versionResponse, maxErrorBody);
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw externalFailure(this.name, 'the engine answered /version with invalid JSON', error);
    }
    const info = this.parse(versionSchema, value, this.name, '/version');
    const engineApi = typeof header === 'string' && /^\d+\.\d+$/.test(header) ? header : info.ApiVersion;
    if (compareVersions(engineApi, minApiVersion) < 0) {
      throw externalFailure(this.name, `engine API ${engineApi} is older than ${minApiVersion}, the oldest shipshape supports`);
    }
    const apiVersion = compareVersions(engineApi, maxApiVersion) < 0 ? engineApi : maxApiVersion;
    const podman = (info.Components ?? []).some((c) => /podman/i.test(c.Name));
    const major = Number(info.Version.split('.')[0]);
    return {
      apiVersion,
      version: info.Version,
      os: info.Os ?? 'linux',
      arch: info.Arch ?? 'amd64',
      podman,
      readsZstd: podman || major >= 23,
    };
  }

  /** `GET /images/{name}/json`: what `docker image inspect` shows. */
  async inspect(name: string): Promise<EngineImageInspect> {
    const subject = `docker-daemon:${name}`;
    return this.parse(inspectSchema, await this.json(`/images/${imagePath(name)}/json`, subject), subject, 'image inspect');
  }

  /** `GET /images/{name}/history`: what `docker history` shows, newest first. */
  async history(name: string): Promise<EngineHistoryEntry[]> {
    const subject = `docker-daemon:${name}`;
    return this.parse(historySchema, await this.json(`/images/${imagePath(name)}/history`, subject), subject, 'image history');
  }

  /**
   * `GET /images/get?names=NAME`: the image as a `docker save` archive, streamed. The engine sends its status
   * before the archive, so a missing image fails here rather than mid-stream.
   */
  async export(name: string): Promise<Readable> {
    return this.call('GET', '/images/get', { query: { names: name }, subject: `docker-daemon:${name}`, timeoutMs: 10 * 60_000 });
  }

  /**
   * `POST /images/load`: loads a `docker save` archive. Resolves with the engine's "Loaded image" lines; an error
   * the engine reports inside its 200 answer (a bad archive) becomes `invalid-input`.
   */
  async load(archive: Readable, subject = this.name): Promise<string[]> {
    const response = await this.call('POST', '/images/load', { query: { quiet: '1' }, body: archive, contentType: 'application/x-tar', subject, timeoutMs: 30 * 60_000 });
    const { body } = await readBounded(response, 1024 * 1024);
    const loaded: string[] = [];
    for (const line of body.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const message = loadMessageSchema.safeParse(value);
      if (!message.success) continue;
      const error = message.data.errorDetail?.message ?? message.data.error;
      if (error !== undefined) throw invalidInput(subject, `the engine refused the image: ${error.replace(/\s+/g, ' ').trim()}`);
      const stream = message.data.stream?.trim();
      if (stream !== undefined && stream !== '') loaded.push(stream);
    }
    return loaded;
  }

  /** `POST /images/{name}/tag`: adds `repo:tag` to an image. */
  async tag(name: string, repo: string, tag: string): Promise<void> {
    const response = await this.call('POST', `/images/${imagePath(name)}/tag`, { query: { repo, tag }, subject: `docker-daemon:${repo}:${tag}` });
    await readBounded(response, maxErrorBody);
  }

  /** `DELETE /images/{name}`: untags, and deletes the image when no tag is left. */
  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    const response = await this.call('DELETE', `/images/${imagePath(name)}`, { query: { force: options.force === true ? '1' : '0' }, subject: `docker-daemon:${name}` });
    await readBounded(response, maxJsonBody);
  }
}

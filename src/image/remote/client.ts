/**
 * The distribution API (OCI distribution-spec v1.1) for one registry: manifests, blobs, uploads, tags, catalog
 * and deletion. Every answer that names content is checked: manifests against their digest (requested or
 * `Docker-Content-Digest`), sizes bounded. Blob bytes are verified by the callers that stream them.
 */
import { type Readable, Transform } from 'node:stream';
import { externalFailure, invalidInput, notFound, ShipshapeError } from '../../internal/errors.js';
import { pipeChain, sha256 } from '../blob.js';
import { maxManifestBytes } from '../from-blobs.js';
import { mediaTypes } from '../media-types.js';
import type { Descriptor, Digest } from '../types.js';
import { RegistryAuth } from './auth.js';
import { type Credentials, dockerConfigPath, resolveCredentials } from './credentials.js';
import { header, type HttpResponse, readBounded, RegistryTransport, type TransportOptions } from './transport.js';

export interface ClientOptions extends TransportOptions {
  /** Credentials to use instead of Docker's config (e.g. `--username` / `--password-stdin`). */
  credentials?: Credentials;
  /** Docker config file to read credentials from (default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`). */
  dockerConfig?: string;
}

/** Every manifest kind shipshape reads, as go-containerregistry's Accept header. */
export const manifestAccept = [mediaTypes.ociIndex, mediaTypes.dockerManifestList, mediaTypes.ociManifest, mediaTypes.dockerManifest].join(', ');

export interface FetchedManifest {
  raw: Buffer;
  mediaType: string | undefined;
  digest: Digest;
}

export interface ManifestHead {
  digest: Digest;
  mediaType: string | undefined;
  size: number | undefined;
}

/** The host Docker actually serves Docker Hub from. */
export function apiHost(domain: string): string {
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}

/** The largest page of a tag or catalog listing read (a thousand names fit in a few tens of kilobytes). */
const maxPageBytes = 16 * 1024 * 1024;

/**
 * Reads a whole body of at most `limit` bytes, throwing `tooLarge()` beyond it; a body that breaks or goes quiet
 * throws undici's error, which the transport turns into a retry or a one-line failure.
 */
async function readWhole(res: HttpResponse, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const declared = Number(header(res.headers, 'content-length') ?? NaN);
  if (declared > limit) {
    await readBounded(res.body, 0);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A manifest over the limit: its declared size when the registry said it. */
function tooLargeManifest(res: HttpResponse, subject: string): Error {
  const declared = Number(header(res.headers, 'content-length') ?? NaN);
  return invalidInput(subject, declared > maxManifestBytes ? `is ${declared} bytes, over the ${maxManifestBytes}-byte limit` : `is over the ${maxManifestBytes}-byte limit`);
}

/** `Link: </v2/_catalog?last=b&n=2>; rel="next"` → the next URL, resolved against the current one. */
export function nextLink(value: string | undefined, current: URL): URL | undefined {
  if (value === undefined) return undefined;
  for (const part of value.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (m?.[1] !== undefined) return new URL(m[1], current);
  }
  return undefined;
}

export class RegistryClient {
  readonly transport: RegistryTransport;
  readonly auth: RegistryAuth;
  private pinged: Promise<void> | undefined;

  /** `domain` as in references (`docker.io`, `localhost:5000`). */
  constructor(
    readonly domain: string,
    options: ClientOptions = {},
  ) {
    this.transport = new RegistryTransport(apiHost(domain), options);
    const explicit = options.credentials;
    const configPath = options.dockerConfig ?? dockerConfigPath();
    this.auth = new RegistryAuth(this.transport, () => (explicit ? Promise.resolve(explicit) : resolveCredentials(domain, configPath)));
  }

  get subject(): string {
    return this.transport.subject;
  }

  /** Pings `/v2/` once, to learn the scheme and the auth challenge before the first real request. */
  async ready(): Promise<URL> {
    this.pinged ??= this.auth.ping();
    await this.pinged;
    return this.transport.baseUrl();
  }

  private async url(path: string): Promise<URL> {
    return new URL(path, await this.ready());
  }

  private scopes(repo: string, actions: string): string[] {
    return [`repository:${repo}:${actions}`];
  }

  /** GET a manifest by tag or digest, verified against the digest asked for or the one the registry declares. */
  async manifest(repo: string, reference: string): Promise<FetchedManifest> {
    const subject = `manifest ${repo}:${reference} in ${this.subject}`;
    // read whole within the request, as GET is harmless to repeat: a body that stops is asked for again
    const { res, raw } = await this.transport.fetch(
      {
        method: 'GET',
        url: await this.url(`/v2/${repo}/manifests/${reference}`),
        headers: { accept: manifestAccept },
        expect: [200],
        what: `fetching manifest ${repo}:${reference}`,
        authorizer: this.auth.for(this.scopes(repo, 'pull')),
      },
      async (r) => ({ res: r, raw: await readWhole(r, maxManifestBytes, () => tooLargeManifest(r, subject)) }),
    );
    const digest = sha256(raw);
    const expected = reference.includes(':') ? reference : header(res.headers, 'docker-content-digest');
    if (expected?.startsWith('sha256:') && expected !== digest) {
      throw invalidInput(subject, `digest mismatch: expected ${expected}, content is ${digest}`);
    }
    if (expected !== undefined && !expected.startsWith('sha256:') && reference.includes(':')) {
      throw invalidInput(subject, `unsupported digest algorithm in ${expected}`);
    }
    const contentType = header(res.headers, 'content-type')?.split(';')[0]?.trim();
    return { raw, mediaType: contentType === '' ? undefined : contentType, digest };
  }

  /** HEAD a manifest: its digest without its body (what `shipshape digest` and pinning use). Undefined when absent. */
  async headManifest(repo: string, reference: string): Promise<ManifestHead | undefined> {
    const res = await this.transport.send({
      method: 'HEAD',
      url: await this.url(`/v2/${repo}/manifests/${reference}`),
      headers: { accept: manifestAccept },
      expect: [200, 404],
      what: `checking manifest ${repo}:${reference}`,
      authorizer: this.auth.for(this.scopes(repo, 'pull')),
    });
    await readBounded(res.body, 0);
    if (res.statusCode === 404) return undefined;
    const digest = header(res.headers, 'docker-content-digest');
    const size = Number(header(res.headers, 'content-length') ?? NaN);
    const mediaType = header(res.headers, 'content-type')?.split(';')[0]?.trim();
    return { digest: (digest ?? '') as Digest, mediaType, size: Number.isNaN(size) ? undefined : size };
  }

  /**
   * GET a blob, following redirects to blob storage (without credentials), from byte `offset` when resuming;
   * `deadlineAt` (ms since the epoch) replaces the request's own deadline (a resume keeps the one of its break).
   */
  async blob(repo: string, digest: Digest, offset = 0, deadlineAt?: number): Promise<HttpResponse> {
    return this.transport.send({
      ...(deadlineAt === undefined ? {} : { deadlineAt }),
      method: 'GET',
      url: await this.url(`/v2/${repo}/blobs/${digest}`),
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      expect: [200, 206],
      what: `fetching blob ${digest} of ${repo}`,
      authorizer: this.auth.for(this.scopes(repo, 'pull')),
    });
  }

  /** HEAD a blob: true when the registry already has it in `repo`. */
  async hasBlob(repo: string, digest: Digest, actions = 'pull,push'): Promise<boolean> {
    const res = await this.transport.send({
      method: 'HEAD',
      url: await this.url(`/v2/${repo}/blobs/${digest}`),
      expect: [200, 404],
      followRedirects: true,
      what: `checking blob ${digest} in ${repo}`,
      authorizer: this.auth.for(this.scopes(repo, actions)),
    });
    await readBounded(res.body, 0);
    return res.statusCode === 200;
  }

  /**
   * Cross-repository mount (`POST /v2/<repo>/blobs/uploads/?mount=<digest>&from=<source>`): true when the registry
   * linked the blob; false when it opened an upload instead (it then must be uploaded).
   */
  async mount(repo: string, digest: Digest, from: string): Promise<boolean> {
    const url = await this.url(`/v2/${repo}/blobs/uploads/`);
    url.searchParams.set('mount', digest);
    url.searchParams.set('from', from);
    const res = await this.transport.send({
      method: 'POST',
      url,
      expect: [201, 202],
      followRedirects: false,
      // a repeated mount links the same blob again, or opens another upload session that is cancelled below
      idempotent: true,
      what: `mounting blob ${digest} from ${from} into ${repo}`,
      authorizer: this.auth.for([...this.scopes(repo, 'pull,push'), ...this.scopes(from, 'pull')]),
    });
    await readBounded(res.body, 0);
    if (res.statusCode === 202) {
      // An upload session was opened; cancel it so it does not linger (errors here do not matter).
      const location = header(res.headers, 'location');
      if (location !== undefined) {
        await this.transport
          .send({ method: 'DELETE', url: new URL(location, url), expect: [204, 404], followRedirects: false, what: 'cancelling upload', authorizer: this.auth.for(this.scopes(repo, 'pull,push')) })
          .then((r) => readBounded(r.body, 0))
          .catch(() => undefined);
      }
    }
    return res.statusCode === 201;
  }

  private async startUpload(repo: string, what: string): Promise<URL> {
    const url = await this.url(`/v2/${repo}/blobs/uploads/`);
    const res = await this.transport.send({
      method: 'POST',
      url,
      headers: { 'content-length': '0' },
      expect: [202],
      followRedirects: false,
      // a repeated POST only opens another upload session; the one not used expires on the registry
      idempotent: true,
      what,
      authorizer: this.auth.for(this.scopes(repo, 'pull,push')),
    });
    await readBounded(res.body, 0);
    const location = header(res.headers, 'location');
    if (location === undefined) throw externalFailure(this.subject, `${what}: the upload answer has no Location`);
    return new URL(location, url);
  }

  /**
   * Uploads a blob: one monolithic PUT streaming `open()`, or, with `chunkSize`, PATCHes of that many bytes then a
   * closing PUT (distribution-spec "Pushing a blob in chunks"). The whole upload starts over when it fails.
   */
  async upload(repo: string, descriptor: Descriptor, open: () => Promise<Readable>, options: { chunkSize?: number; onBytes?: (n: number) => void } = {}): Promise<void> {
    const what = `uploading blob ${descriptor.digest} to ${repo}`;
    const authorizer = this.auth.for(this.scopes(repo, 'pull,push'));
    let location = await this.startUpload(repo, what);
    const finish = (loc: URL): URL => {
      const u = new URL(loc);
      u.searchParams.set('digest', descriptor.digest);
      return u;
    };
    if (options.chunkSize === undefined) {
      const res = await this.transport.send({
        method: 'PUT',
        url: finish(location),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) },
        body: async () => counted(await open(), options.onBytes),
        expect: [201],
        followRedirects: false,
        what,
        authorizer,
        upload: true,
      });
      await readBounded(res.body, 0);
      return;
    }
    let offset = 0;
    const source = await open();
    for await (const chunk of chunks(source, options.chunkSize)) {
      const res = await this.transport.send({
        method: 'PATCH',
        url: location,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(chunk.length),
          'content-range': `${offset}-${offset + chunk.length - 1}`,
        },
        body: () => chunk,
        expect: [202],
        followRedirects: false,
        what,
        authorizer,
        upload: true,
      });
      await readBounded(res.body, 0);
      offset += chunk.length;
      options.onBytes?.(chunk.length);
      const next = header(res.headers, 'location');
      if (next !== undefined) location = new URL(next, location);
    }
    const res = await this.transport.send({
      method: 'PUT',
      url: finish(location),
      headers: { 'content-length': '0' },
      expect: [201],
      followRedirects: false,
      what,
      authorizer,
    });
    await readBounded(res.body, 0);
  }

  /** PUT a manifest under a tag or its digest; returns the digest the registry reports (checked against ours). */
  async putManifest(repo: string, reference: string, raw: Buffer, mediaType: string): Promise<Digest> {
    const digest = sha256(raw);
    const res = await this.transport.send({
      method: 'PUT',
      url: await this.url(`/v2/${repo}/manifests/${reference}`),
      headers: { 'content-type': mediaType },
      body: () => raw,
      expect: [201, 200],
      followRedirects: false,
      what: `putting manifest ${repo}:${reference}`,
      authorizer: this.auth.for(this.scopes(repo, 'pull,push')),
    });
    await readBounded(res.body, 0);
    const reported = header(res.headers, 'docker-content-digest');
    if (reported !== undefined && reported !== digest) {
      throw externalFailure(this.subject, `putting manifest ${repo}:${reference}: registry reports digest ${reported}, expected ${digest}`);
    }
    return digest;
  }

  /** Deletes a manifest by digest (tags cannot be deleted through the API, as in the spec). */
  async deleteManifest(repo: string, digest: Digest): Promise<void> {
    const res = await this.transport.send({
      method: 'DELETE',
      url: await this.url(`/v2/${repo}/manifests/${digest}`),
      expect: [202, 200, 204],
      followRedirects: false,
      what: `deleting manifest ${repo}@${digest}`,
      authorizer: this.auth.for(this.scopes(repo, 'delete')),
    });
    await readBounded(res.body, 0);
  }

  private async paginate(first: URL, what: string, scopes: string[], field: 'tags' | 'repositories', pageSize: number): Promise<string[]> {
    const all: string[] = [];
    let url: URL | undefined = first;
    url.searchParams.set('n', String(pageSize));
    const authorizer = this.auth.for(scopes);
    // a Link back to a page already read would repeat forever (100,000 requests before the bound below ends it)
    const read = new Set<string>();
    for (let page = 0; url !== undefined; page++) {
      if (page > 100_000) throw externalFailure(this.subject, `${what}: pagination does not end`);
      if (read.has(url.href)) throw externalFailure(this.subject, `${what}: the Link header leads back to a page already read (${url.pathname}${url.search})`);
      read.add(url.href);
      // read whole within the request: a page whose body stops is asked for again, not parsed half
      const { res, body } = await this.transport.fetch({ method: 'GET', url, expect: [200], what, authorizer }, async (r) => ({
        res: r,
        body: await readWhole(r, maxPageBytes, () => externalFailure(this.subject, `${what}: a page is over the ${maxPageBytes}-byte limit`)),
      }));
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw externalFailure(this.subject, `${what}: answered something other than JSON`);
      }
      const list = (parsed as Record<string, unknown> | null)?.[field];
      if (list !== null && list !== undefined && !(Array.isArray(list) && list.every((t) => typeof t === 'string'))) {
        throw externalFailure(this.subject, `${what}: "${field}" is not a list of strings`);
      }
      all.push(...(list ?? []));
      url = nextLink(header(res.headers, 'link'), url);
    }
    return all;
  }

  /** Every tag of a repository, following `Link` pagination. */
  async tags(repo: string, pageSize = 1000): Promise<string[]> {
    try {
      return await this.paginate(await this.url(`/v2/${repo}/tags/list`), `listing tags of ${repo}`, this.scopes(repo, 'pull'), 'tags', pageSize);
    } catch (error) {
      if (error instanceof ShipshapeError && error.code === 'not-found') throw notFound(`repository ${this.domain}/${repo}`, 'does not exist', error);
      throw error;
    }
  }

  /** Every repository of the registry (`/v2/_catalog`), following `Link` pagination. */
  async catalog(pageSize = 1000): Promise<string[]> {
    return this.paginate(await this.url('/v2/_catalog'), 'listing the catalog', ['registry:catalog:*'], 'repositories', pageSize);
  }
}

/** Counts bytes as they pass (progress), without changing the stream's flow. */
function counted(stream: Readable, onBytes: ((n: number) => void) | undefined): Readable {
  if (!onBytes) return stream;
  return pipeChain(
    stream,
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        onBytes(chunk.length);
        callback(null, chunk);
      },
    }),
  );
}

/** Re-chunks a stream into buffers of exactly `size` bytes (the last may be shorter). */
async function* chunks(source: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    let rest = chunk;
    while (pendingSize + rest.length >= size) {
      const take = size - pendingSize;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending);
      rest = rest.subarray(take);
      pending = [];
      pendingSize = 0;
    }
    if (rest.length > 0) {
      pending.push(rest);
      pendingSize += rest.length;
    }
  }
  if (pendingSize > 0) yield Buffer.concat(pending);
}

/**
 * Registries as a sink: `remote.write(ref, artifact)` pushes an image or an index. Blobs the repository already
 * has are skipped (HEAD), blobs of another repository of the same registry are mounted, the rest are uploaded
 * (monolithic, or chunked on request); manifests go last, children before their index, so that a tag never
 * points at something incomplete.
 */
import { Readable } from 'node:stream';
import { invalidInput } from '../../internal/errors.js';
import { type EventSink, ProgressTask, silent } from '../../internal/events.js';
import { mapLimit } from '../../internal/map-limit.js';
import { isIndexMediaType } from '../media-types.js';
import { identifier, type Reference } from '../reference.js';
import type { Artifact, Descriptor, Digest, Image, ImageIndex } from '../types.js';
import type { RegistryClient } from './client.js';
import { ClientPool, type PullOptions, remoteOrigin } from './pull.js';

export interface PushOptions extends PullOptions {
  /** Upload in PATCH chunks of this many bytes instead of one PUT. */
  chunkSize?: number;
  /** Repositories of the same registry to try mounting blobs from (the source's is added automatically). */
  mountFrom?: readonly string[];
  /** Blobs uploaded at the same time. */
  jobs?: number;
}

export interface BlobPushResult {
  digest: Digest;
  size: number;
  how: 'existing' | 'mounted' | 'uploaded';
}

export interface PushResult {
  digest: Digest;
  mediaType: string;
  blobs: BlobPushResult[];
}

class Pusher {
  private readonly done = new Map<string, Promise<BlobPushResult>>();

  constructor(
    private readonly client: RegistryClient,
    private readonly repo: string,
    private readonly options: PushOptions,
    private readonly events: EventSink,
  ) {}

  private mountSources(from: Image | ImageIndex): string[] {
    const origin = remoteOrigin(from);
    const sources = [...(this.options.mountFrom ?? [])];
    if (origin && origin.domain === this.client.domain && origin.repo !== this.repo) sources.unshift(origin.repo);
    return [...new Set(sources)];
  }

  blob(descriptor: Descriptor, open: () => Promise<Readable>, mountFrom: readonly string[]): Promise<BlobPushResult> {
    let p = this.done.get(descriptor.digest);
    if (!p) {
      p = this.pushBlob(descriptor, open, mountFrom);
      this.done.set(descriptor.digest, p);
    }
    return p;
  }

  private async pushBlob(descriptor: Descriptor, open: () => Promise<Readable>, mountFrom: readonly string[]): Promise<BlobPushResult> {
    const base = { digest: descriptor.digest, size: descriptor.size };
    if (await this.client.hasBlob(this.repo, descriptor.digest)) return { ...base, how: 'existing' };
    for (const from of mountFrom) {
      if (await this.client.mount(this.repo, descriptor.digest, from)) return { ...base, how: 'mounted' };
    }
    const short = descriptor.digest.slice(descriptor.digest.indexOf(':') + 1, descriptor.digest.indexOf(':') + 13);
    const task = new ProgressTask(this.events, `push ${descriptor.digest}`, `push ${short}`, descriptor.size);
    try {
      await this.client.upload(this.repo, descriptor, open, {
        ...(this.options.chunkSize === undefined ? {} : { chunkSize: this.options.chunkSize }),
        onBytes: (n) => { task.advance(n); },
      });
    } finally {
      task.end();
    }
    return { ...base, how: 'uploaded' };
  }

  async image(img: Image, reference: string): Promise<PushResult> {
    const mountFrom = this.mountSources(img);
    const config = this.blob(img.manifest.config, () => Promise.resolve(Readable.from([img.rawConfig])), mountFrom);
    const layers = mapLimit(img.layers, this.options.jobs ?? 3, (layer) => this.blob(layer.descriptor, () => layer.compressed(), mountFrom));
    const [configResult, layerResults] = await Promise.all([config, layers]);
    const blobs = [configResult, ...layerResults];
    // an interrupt after the last blob went up still publishes nothing: the tag keeps what it named
    this.options.signal?.throwIfAborted();
    const digest = await this.client.putManifest(this.repo, reference, img.rawManifest, img.mediaType);
    return { digest, mediaType: img.mediaType, blobs };
  }

  async index(index: ImageIndex, reference: string): Promise<PushResult> {
    const blobs: BlobPushResult[] = [];
    for (const d of index.manifest.manifests) {
      const child = isIndexMediaType(d.mediaType) ? await this.index(await index.index(d.digest), d.digest) : await this.image(await index.image(d.digest), d.digest);
      blobs.push(...child.blobs);
    }
    this.options.signal?.throwIfAborted();
    const digest = await this.client.putManifest(this.repo, reference, index.rawManifest, index.mediaType);
    return { digest, mediaType: index.mediaType, blobs };
  }
}

/** Pushes an image or index to `ref` (its tag, or its digest, which must then be the artifact's). */
export async function write(ref: Reference, artifact: Artifact, options: PushOptions = {}): Promise<PushResult> {
  const pool = options.clients ?? new ClientPool(options);
  const client = pool.get(ref.domain);
  const pusher = new Pusher(client, ref.path, options, options.events ?? silent);
  const own = artifact.kind === 'image' ? artifact.image.digest : artifact.index.digest;
  if (ref.digest !== undefined && ref.digest !== own) {
    throw invalidInput(`docker://${ref.name}@${ref.digest}`, `the image to push has digest ${own}`);
  }
  const reference = ref.tag ?? ref.digest ?? identifier(ref);
  return artifact.kind === 'image' ? pusher.image(artifact.image, reference) : pusher.index(artifact.index, reference);
}

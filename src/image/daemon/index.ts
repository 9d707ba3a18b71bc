/**
 * The Docker engine as a source and a sink, through the `docker save` format the Engine API speaks (as
 * go-containerregistry's `daemon` package does): `image(ref)` exports the image (`GET /images/get`), spools the
 * stream to a temp file and reads it with the docker-archive reader; `write(ref, image)` streams a docker archive
 * into `POST /images/load` — zstd layers recompressed to gzip unless the caller allows zstd and the engine reads
 * it (Docker ≥ 23, Podman) — and checks that the engine then holds the image under `ref`.
 */
import { invalidInput, wrap } from '../../internal/errors.js';
import { issueField } from '../../internal/zod-issues.js';
import { type EventSink, silent } from '../../internal/events.js';
import { Scratch } from '../atomic.js';
import { familiar, parseReference, withDefaultTag } from '../reference.js';
import { openDockerArchiveStream } from '../tarball/read.js';
import { dockerArchiveStream, prepareForArchive } from '../tarball/write.js';
import { mediaTypes } from '../media-types.js';
import { configSchema } from '../schemas.js';
import type { Digest, HistoryEntry, Image, ImageConfig, ImageDescription } from '../types.js';
import type { EngineHistoryEntry } from './client.js';
import { EngineClient } from './client.js';

export { EngineClient, maxApiVersion, minApiVersion, type EngineClientOptions, type EngineHistoryEntry, type EngineImageInspect, type EngineVersion } from './client.js';
export { defaultSocket, parseEndpoint, resolveEndpoint, type Endpoint } from './endpoint.js';

export interface DaemonOptions {
  /** Engine endpoint (`unix:///…`, `tcp://…`); default `DOCKER_HOST`, then the local socket. */
  host?: string;
  /** An existing client, to share one version negotiation across calls. */
  client?: EngineClient;
  /** Where the export is spooled; default the system temp directory. */
  tempDir?: string;
  events?: EventSink;
}

export interface DaemonImage {
  image: Image;
  /** Removes the spooled export; the image's layers cannot be read afterwards. */
  close(): Promise<void>;
}

function clientFor(options: DaemonOptions): EngineClient {
  return options.client ?? new EngineClient(options.host === undefined ? {} : { host: options.host });
}

/**
 * An image the engine holds, by name (`app:1`, `localhost:5000/app`), `name@digest` or image ID. The export is
 * spooled to a temp file (the archive must be read at random); `close` removes it.
 */
export async function image(ref: string, options: DaemonOptions = {}): Promise<DaemonImage> {
  const client = clientFor(options);
  const subject = `docker-daemon:${ref}`;
  const exported = await client.export(ref);
  // An export of one name holds exactly that image.
  const spooled = await openDockerArchiveStream(exported, subject, { position: 0 }, options.tempDir);
  return { image: spooled.image, close: () => spooled.close() };
}

/**
 * Which history entries made a layer. The engine's history does not say: its `Size` is 0 for empty entries but
 * also for layers with no file content (a whiteout, a `WORKDIR`). When exactly as many entries have content as
 * there are layers, the rest are empty; otherwise the zero-size entries stay unknown.
 */
function emptyLayers(history: EngineHistoryEntry[], layerCount: number): (boolean | undefined)[] {
  const withContent = history.filter((h) => h.Size > 0).length;
  return history.map((h) => (h.Size > 0 ? false : withContent === layerCount ? true : undefined));
}

/** The engine's image ID of `ref` (`GET /images/{name}/json`): it changes when the name is moved to another image. */
export async function imageId(ref: string, options: DaemonOptions = {}): Promise<Digest> {
  const id = (await clientFor(options).inspect(ref)).Id;
  const colon = id.indexOf(':');
  // Podman's libpod answers with the bare hex
  return colon === -1 ? `sha256:${id}` : `${id.slice(0, colon)}:${id.slice(colon + 1)}`;
}

/**
 * Describes an engine image from `GET /images/{name}/json` and `/history` alone — config, diffIDs, history, the
 * engine's size — without exporting it. The engine does not expose the config bytes, so fields it omits are absent.
 */
export async function describe(ref: string, options: DaemonOptions = {}): Promise<ImageDescription> {
  const client = clientFor(options);
  const subject = `docker-daemon:${ref}`;
  const info = await client.inspect(ref);
  // history lists newest first; the config lists oldest first
  const history = (await client.history(info.Id)).reverse();
  const diffIds = info.RootFS?.Layers ?? [];
  const empty = emptyLayers(history, diffIds.length);
  const entries: HistoryEntry[] = history.map((h, i) => {
    const flag = empty[i];
    return {
      created: new Date(h.Created * 1000).toISOString(),
      ...(h.CreatedBy === '' ? {} : { created_by: h.CreatedBy }),
      ...(h.Comment === undefined || h.Comment === '' ? {} : { comment: h.Comment }),
      ...(flag === undefined ? {} : { empty_layer: flag }),
    };
  });
  const candidate = {
    ...(info.Created === undefined ? {} : { created: info.Created }),
    architecture: info.Architecture ?? '',
    os: info.Os ?? '',
    ...(info.Variant === undefined || info.Variant === '' ? {} : { variant: info.Variant }),
    ...(info.Config ? { config: info.Config } : {}),
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: entries,
  };
  const parsed = configSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidInput(subject, `the engine's image inspect has an invalid field "${issueField(issue)}": ${issue?.message ?? 'unknown'}`);
  }
  return { id: info.Id, mediaType: mediaTypes.dockerManifest, config: parsed.data as ImageConfig, size: info.Size };
}

export interface DaemonWriteOptions extends DaemonOptions {
  /** An interrupt: no load starts once it has fired (a load it cuts is a broken archive, which the engine discards). */
  signal?: AbortSignal;
  /** Keep zstd layers when the engine can load them (Docker ≥ 23, Podman). Default: recompress them to gzip. */
  allowZstd?: boolean;
}

export interface DaemonWriteResult {
  /** The name the engine holds the image under (`app:1`, `latest` added when no tag was given). */
  name: string;
  /** The engine's image ID: the config digest. */
  id: string;
}

/** The name an image is loaded as: familiar form with a tag (`app:latest`); digests are refused. */
export function loadName(ref: string): string {
  const parsed = parseReference(ref);
  if (parsed.digest !== undefined) {
    throw invalidInput(`docker-daemon:${ref}`, 'an engine stores images by name and tag, not by digest; drop the "@sha256:…"');
  }
  const named = withDefaultTag(parsed);
  return `${familiar({ ...named, tag: undefined })}:${named.tag ?? 'latest'}`;
}

/** Loads an image into the engine under `ref`. A failure midway loads nothing (the engine discards a broken archive). */
export async function write(ref: string, img: Image, options: DaemonWriteOptions = {}): Promise<DaemonWriteResult> {
  const name = loadName(ref);
  const subject = `docker-daemon:${name}`;
  const client = clientFor(options);
  const version = await client.version();
  const events = options.events ?? silent;
  const allowZstd = options.allowZstd === true && version.readsZstd;
  const scratch = await Scratch.create(options.tempDir);
  try {
    const ready = await prepareForArchive([{ image: img, tags: [name] }], scratch, { allowZstd, events });
    options.signal?.throwIfAborted();
    await client.load(dockerArchiveStream(ready, { allowZstd, events }), subject);
  } catch (error) {
    throw wrap(error, `loading into the ${client.name}`);
  } finally {
    await scratch.dispose();
  }
  const loaded = await client.inspect(name);
  if (loaded.Id !== img.manifest.config.digest) {
    throw invalidInput(subject, `the engine holds ${loaded.Id} under this name after loading, not ${img.manifest.config.digest}`);
  }
  return { name, id: loaded.Id };
}

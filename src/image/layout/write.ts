/**
 * Writes an OCI image layout, as a directory or as a tar. A new directory is built in a temp sibling and
 * renamed into place; adding to an existing layout writes each missing blob atomically, then replaces
 * index.json atomically, so the other images stay and a failure leaves the layout as it was.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { invalidInput, wrap } from '../../internal/errors.js';
import { type EventSink, ProgressTask, silent } from '../../internal/events.js';
import { pathExists, Scratch, tempSibling, writeDirAtomic, writeFileAtomic } from '../atomic.js';
import { mediaTypes } from '../media-types.js';
import { indexSchema } from '../schemas.js';
import { parseJson } from '../../internal/parse-json.js';
import { packDirectory } from '../tar-pack.js';
import type { Artifact, Descriptor } from '../types.js';
import { artifactBlobs, artifactDescriptor } from '../walk.js';
import { withProgress } from '../progress-stream.js';
import { refNameAnnotation } from './read.js';

export interface LayoutWriteOptions {
  /** Stored as `org.opencontainers.image.ref.name`; an existing entry with the same name is replaced. */
  tag?: string;
  /** Extra annotations on the index.json entry. */
  annotations?: Record<string, string>;
  events?: EventSink;
  /** An interrupt: the blob being written is cut, and nothing is committed once it has fired. */
  signal?: AbortSignal;
}

const layoutFile = `${JSON.stringify({ imageLayoutVersion: '1.0.0' })}\n`;

function blobPath(root: string, descriptor: Descriptor): string {
  const [algorithm, hex] = descriptor.digest.split(':');
  return join(root, 'blobs', algorithm ?? 'sha256', hex ?? '');
}

/**
 * Writes every blob of `artifact` under `root/blobs` that is not already there; returns the paths it created,
 * so that a caller can take them back on failure.
 */
export async function writeBlobs(root: string, artifact: Artifact, events: EventSink, created: string[], signal?: AbortSignal): Promise<void> {
  for await (const blob of artifactBlobs(artifact)) {
    const path = blobPath(root, blob.descriptor);
    if (await pathExists(path)) continue;
    await mkdir(join(path, '..'), { recursive: true });
    const task = blob.kind === 'layer' ? new ProgressTask(events, blob.descriptor.digest, `blob ${blob.descriptor.digest.slice(7, 19)}`, blob.descriptor.size) : undefined;
    created.push(path);
    await writeFileAtomic(path, async () => {
      const stream = await blob.open();
      return task ? withProgress(stream, task) : stream;
    }, `blob ${blob.descriptor.digest}`, signal);
  }
}

function entryFor(artifact: Artifact, options: LayoutWriteOptions): Descriptor {
  const descriptor = artifactDescriptor(artifact);
  const annotations = { ...options.annotations, ...(options.tag === undefined ? {} : { [refNameAnnotation]: options.tag }) };
  const platform = artifact.kind === 'image' ? { architecture: artifact.image.config.architecture, os: artifact.image.config.os, ...(artifact.image.config.variant ? { variant: artifact.image.config.variant } : {}) } : undefined;
  return { ...descriptor, ...(Object.keys(annotations).length > 0 ? { annotations } : {}), ...(platform ? { platform } : {}) };
}

function indexJson(manifests: Descriptor[], extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, ...extra, manifests }, null, 2)}\n`;
}

/** Writes (or adds to) an OCI layout directory. */
export async function writeLayoutDir(dir: string, artifact: Artifact, options: LayoutWriteOptions = {}): Promise<void> {
  const events = options.events ?? silent;
  const entry = entryFor(artifact, options);
  const existing = (await pathExists(join(dir, 'index.json'))) || (await pathExists(join(dir, 'oci-layout')));
  if (!existing) {
    if (await pathExists(dir)) {
      if ((await readdir(dir)).length > 0) throw invalidInput(`oci:${dir}`, 'exists and is neither empty nor an OCI layout');
    }
    await writeDirAtomic(dir, async (temp) => {
      await writeBlobs(temp, artifact, events, [], options.signal);
      await writeFileAtomic(join(temp, 'oci-layout'), () => Promise.resolve(stringStream(layoutFile)));
      await writeFileAtomic(join(temp, 'index.json'), () => Promise.resolve(stringStream(indexJson([entry]))));
    }, `oci:${dir}`, options.signal);
    return;
  }
  const subject = `oci:${dir}: index.json`;
  let raw: Buffer;
  try {
    raw = await readFile(join(dir, 'index.json'));
  } catch (error) {
    throw wrap(error, `reading ${subject}`);
  }
  const index = parseJson(raw, indexSchema, subject, 'an image index');
  const { manifests: _old, schemaVersion: _v, mediaType: _m, ...extra } = index;
  const kept = (index.manifests as Descriptor[]).filter((d) => {
    if (options.tag !== undefined) return d.annotations?.[refNameAnnotation] !== options.tag;
    return !(d.digest === entry.digest && d.annotations?.[refNameAnnotation] === undefined);
  });
  const created: string[] = [];
  try {
    await writeBlobs(dir, artifact, events, created, options.signal);
    if (!(await pathExists(join(dir, 'oci-layout')))) await writeFileAtomic(join(dir, 'oci-layout'), () => Promise.resolve(stringStream(layoutFile)));
    await writeFileAtomic(join(dir, 'index.json'), () => Promise.resolve(stringStream(indexJson([...kept, entry], extra as Record<string, unknown>))), `oci:${dir}: index.json`, options.signal);
  } catch (error) {
    for (const path of created) await rm(path, { force: true });
    throw error;
  }
}

/** Writes an OCI layout as a tar (`oci-archive:`), replacing any file at `file` only once complete. */
export async function writeLayoutArchive(file: string, artifact: Artifact, options: LayoutWriteOptions = {}): Promise<void> {
  const scratch = await Scratch.create(join(tempSibling(file), '..'));
  try {
    const dir = join(scratch.dir, 'layout');
    await writeLayoutDir(dir, artifact, options);
    await writeFileAtomic(file, () => Promise.resolve(packDirectory(dir, { mtime: 0, subject: `oci-archive:${file}` })), `oci-archive:${file}`, options.signal);
  } finally {
    await scratch.dispose();
  }
}

function stringStream(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}

/**
 * A root filesystem directory as an image of one deterministic layer: entries sorted, owners 0:0, every
 * modification time set to SOURCE_DATE_EPOCH (or 0), symlinks kept as symlinks and never followed, so nothing
 * outside the directory is read. The layer is hashed in a first pass; reading it again re-creates the same tar
 * and is verified against that digest (a directory that changes in between fails the read).
 */
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import { invalidInput, wrap } from '../../internal/errors.js';
import { sha256 } from '../blob.js';
import { type BlobStore, imageFromBlobs } from '../from-blobs.js';
import { mediaTypes } from '../media-types.js';
import { hostPlatform } from '../mutate/platform.js';
import { packDirectory } from '../tar-pack.js';
import type { Descriptor, Digest, Image, ImageConfig, Platform } from '../types.js';
import { sourceDateEpochFromEnv } from '../../internal/source-date-epoch.js';

export interface RootfsOptions {
  /** Seconds since the epoch for every mtime and the config's `created`; default SOURCE_DATE_EPOCH, else 0. */
  epoch?: number;
  platform?: Platform;
}

function epochFromEnv(): number {
  return sourceDateEpochFromEnv() ?? 0;
}

/** Builds the image for `dir`. */
export async function readRootfs(dir: string, options: RootfsOptions = {}): Promise<Image> {
  const root = resolve(dir);
  const subject = `rootfs:${dir}`;
  try {
    const stats = await lstat(root);
    if (!stats.isDirectory()) throw invalidInput(subject, 'is not a directory');
  } catch (error) {
    throw wrap(error, subject);
  }
  const epoch = options.epoch ?? epochFromEnv();
  const pack = (): Readable => packDirectory(root, { mtime: epoch, subject, skipSpecial: true });
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of pack()) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const diffId: Digest = `sha256:${hash.digest('hex')}`;
  const created = new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
  const platform = options.platform ?? hostPlatform();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, created_by: 'shipshape rootfs', comment: 'root filesystem directory as one layer' }],
  };
  const rawConfig = Buffer.from(JSON.stringify(config));
  const configDigest = sha256(rawConfig);
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: configDigest, size: rawConfig.length },
    layers: [{ mediaType: mediaTypes.ociLayer, digest: diffId, size }],
  };
  const store: BlobStore = {
    name: subject,
    open(descriptor: Descriptor): Promise<Readable> {
      return Promise.resolve(descriptor.digest === configDigest ? ReadableStream.from([rawConfig]) : pack());
    },
  };
  return imageFromBlobs(store, Buffer.from(JSON.stringify(manifest)));
}

/**
 * skopeo's `dir:` format (containers/image `directory` transport, version 1.1): `manifest.json` (the top-level
 * manifest or index), a `version` file, every blob named by its hex digest, and the manifests of an index's
 * instances as `<hex>.manifest.json`.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { invalidInput, notFound } from '../../internal/errors.js';
import { type EventSink, ProgressTask, silent } from '../../internal/events.js';
import { writeDirAtomic, writeFileAtomic } from '../atomic.js';
import { DirTree } from '../file-tree.js';
import { artifactFromBlobs, type BlobStore, maxManifestBytes } from '../from-blobs.js';
import { isIndexMediaType, isManifestMediaType } from '../media-types.js';
import { withProgress } from '../progress-stream.js';
import type { Artifact, Descriptor } from '../types.js';
import { artifactBlobs } from '../walk.js';

const versionText = 'Directory Transport Version: 1.1\n';

function hex(descriptor: Descriptor): string {
  return descriptor.digest.slice(descriptor.digest.indexOf(':') + 1);
}

/** Reads a `dir:` directory. */
export async function readDir(path: string): Promise<Artifact> {
  const tree = new DirTree(path, `dir:${path}`);
  if (!(await tree.exists('version'))) throw notFound(tree.name, 'not a dir: image (no "version" file)');
  const version = (await tree.readSmall('version', 1024)).toString('utf8');
  if (!version.startsWith('Directory Transport Version: 1.')) throw invalidInput(`${tree.name}: version`, `unsupported "${version.trim()}"`);
  const store: BlobStore = {
    name: tree.name,
    async open(descriptor: Descriptor): Promise<Readable> {
      const manifestKind = isManifestMediaType(descriptor.mediaType) || isIndexMediaType(descriptor.mediaType);
      if (manifestKind && (await tree.exists(`${hex(descriptor)}.manifest.json`))) return tree.open(`${hex(descriptor)}.manifest.json`);
      if (!(await tree.exists(hex(descriptor)))) throw notFound(tree.name, `blob ${descriptor.digest} is missing`);
      return tree.open(hex(descriptor));
    },
  };
  const raw = await tree.readSmall('manifest.json', maxManifestBytes);
  return artifactFromBlobs(store, raw);
}

/** Writes a `dir:` directory atomically (an existing one is replaced only once the new one is complete). */
export async function writeDir(path: string, artifact: Artifact, events: EventSink = silent, signal?: AbortSignal): Promise<void> {
  await writeDirAtomic(path, async (temp) => {
    let top: Buffer | undefined;
    for await (const blob of artifactBlobs(artifact)) {
      const isManifest = blob.kind === 'manifest' || blob.kind === 'index';
      top = isManifest ? blob.bytes : top;
      const name = isManifest ? `${hex(blob.descriptor)}.manifest.json` : hex(blob.descriptor);
      const task = blob.kind === 'layer' ? new ProgressTask(events, blob.descriptor.digest, `blob ${hex(blob.descriptor).slice(0, 12)}`, blob.descriptor.size) : undefined;
      await writeFileAtomic(join(temp, name), async () => {
        const stream = await blob.open();
        return task ? withProgress(stream, task) : stream;
      }, name, signal);
    }
    if (!top) throw invalidInput(`dir:${path}`, 'nothing to write');
    // the top-level manifest is manifest.json, not an instance
    const topName = join(temp, `${(artifact.kind === 'image' ? artifact.image.digest : artifact.index.digest).slice(7)}.manifest.json`);
    await rename(topName, join(temp, 'manifest.json'));
    await writeFileAtomic(join(temp, 'version'), () => Promise.resolve(Readable.from([Buffer.from(versionText)])));
  }, `dir:${path}`, signal);
}

/**
 * Writing an image to `oci:DIR[:TAG]` or `docker-archive:FILE[:REF]`.
 * Interim: a minimal writer for the two sinks `base build` needs, until the shared sinks of
 * `src/image/transports/` replace it. Output appears whole or not at all (temp name + rename).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { mediaTypes } from '../image/media-types.js';
import { familiar, parseReference, withDefaultTag } from '../image/reference.js';
import type { Image } from '../image/types.js';
import { invalidInput, wrap } from '../internal/errors.js';

export interface Destination {
  transport: 'oci' | 'docker-archive';
  path: string;
  /** Tag (oci) or image reference (docker-archive). */
  name?: string;
}

/** Parses `oci:DIR[:TAG]` and `docker-archive:FILE[:REF]`. */
export function parseDestination(spec: string): Destination {
  const colon = spec.indexOf(':');
  const transport = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (colon <= 0 || (transport !== 'oci' && transport !== 'docker-archive') || rest === '') {
    throw invalidInput(`--output-image ${spec}`, 'expected oci:DIR[:TAG] or docker-archive:FILE[:NAME:TAG]');
  }
  const sep = rest.indexOf(':');
  const path = sep === -1 ? rest : rest.slice(0, sep);
  const name = sep === -1 ? undefined : rest.slice(sep + 1);
  if (name !== undefined && name !== '' && transport === 'docker-archive') parseReference(name);
  if (name !== undefined && transport === 'oci' && !/^[\w][\w.-]{0,127}$/.test(name)) throw invalidInput(`--output-image ${spec}`, `"${name}" is not a valid tag`);
  return { transport, path, ...(name === undefined || name === '' ? {} : { name }) };
}

function hex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

async function writeBlob(dir: string, digest: string, data: Buffer): Promise<void> {
  const path = join(dir, 'blobs', 'sha256', hex(digest));
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

interface IndexJson {
  schemaVersion: 2;
  mediaType?: string;
  manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
}

/** Adds the image to an OCI layout (created when absent), replacing an entry with the same tag. */
async function writeLayout(image: Image, dest: Destination): Promise<void> {
  const dir = resolve(dest.path);
  await mkdir(dir, { recursive: true });
  for (const layer of image.layers) await writeBlob(dir, layer.descriptor.digest, await buffer(await layer.compressed()));
  await writeBlob(dir, image.manifest.config.digest, image.rawConfig);
  await writeBlob(dir, image.digest, image.rawManifest);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  let index: IndexJson = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [] };
  try {
    index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as IndexJson;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw invalidInput(join(dir, 'index.json'), 'unreadable existing index.json', error);
  }
  const refName = 'org.opencontainers.image.ref.name';
  index.manifests = index.manifests.filter((m) => dest.name === undefined ? m.digest !== image.digest : m.annotations?.[refName] !== dest.name);
  index.manifests.push({ mediaType: image.mediaType, digest: image.digest, size: image.rawManifest.length, ...(dest.name === undefined ? {} : { annotations: { [refName]: dest.name } }) });
  const tmp = join(dir, `index.json.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, JSON.stringify(index));
  await rename(tmp, join(dir, 'index.json'));
}

/** A `docker save`-style archive (uncompressed layers, which Docker 20.10 loads) with manifest.json. */
async function writeDockerArchive(image: Image, dest: Destination): Promise<void> {
  const file = resolve(dest.path);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const p = pack();
  const written = pipeline(p, createWriteStream(tmp));
  const add = (name: string, data: Buffer): Promise<void> =>
    new Promise((res, rej) => {
      p.entry({ name, size: data.length, mode: 0o644, mtime: new Date(0) }, data, (error) => {
        if (error) rej(error);
        else res();
      });
    });
  try {
    const configName = `${hex(image.manifest.config.digest)}.json`;
    const layerNames: string[] = [];
    for (const layer of image.layers) {
      const name = `${hex(layer.diffId)}/layer.tar`;
      layerNames.push(name);
      await add(name, await buffer(await layer.uncompressed()));
    }
    await add(configName, image.rawConfig);
    const repoTags = dest.name === undefined ? [] : [familiar(withDefaultTag(parseReference(dest.name)))];
    await add('manifest.json', Buffer.from(JSON.stringify([{ Config: configName, RepoTags: repoTags, Layers: layerNames }])));
    p.finalize();
    await written;
    await rename(tmp, file);
  } catch (error) {
    p.destroy();
    await rm(tmp, { force: true });
    throw wrap(error, `writing ${file}`);
  }
}

/** Writes the image to the destination. */
export async function writeImage(image: Image, dest: Destination): Promise<void> {
  if (dest.transport === 'oci') await writeLayout(image, dest);
  else await writeDockerArchive(image, dest);
}

/**
 * Where `base build` writes: a sink name parsed into one of the shared sinks of the image model —
 * `oci:DIR[:TAG]` and `oci-archive:FILE[:TAG]` (layout), `docker-archive:FILE[:NAME:TAG]` (tarball),
 * `docker://REF` (registry push), `docker-daemon:NAME:TAG` (engine `load`).
 */
import { EngineClient } from '../image/daemon/client.js';
import { writeLayoutArchive, writeLayoutDir } from '../image/layout/write.js';
import { parseReference, withDefaultTag } from '../image/reference.js';
import { write as pushImage } from '../image/remote/push.js';
import { dockerArchiveStream, writeDockerArchive } from '../image/tarball/write.js';
import type { Image } from '../image/types.js';
import { invalidInput } from '../internal/errors.js';
import { type EventSink, silent } from '../internal/events.js';

export type Destination =
  | { transport: 'oci' | 'oci-archive'; path: string; tag?: string }
  | { transport: 'docker-archive'; path: string; name?: string }
  | { transport: 'docker'; name: string }
  | { transport: 'docker-daemon'; name: string };

const tagPattern = /^[\w][\w.-]{0,127}$/;

/** Parses a sink name; throws `invalid-input` naming it. */
export function parseDestination(spec: string): Destination {
  const fail = (why: string): never => {
    throw invalidInput(`--output-image ${spec}`, why);
  };
  if (spec.startsWith('docker://')) {
    const name = spec.slice('docker://'.length);
    parseReference(name);
    return { transport: 'docker', name };
  }
  const colon = spec.indexOf(':');
  const transport = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (colon <= 0 || rest === '') return fail('expected oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], docker://REF or docker-daemon:NAME:TAG');
  if (transport === 'docker-daemon') {
    parseReference(rest);
    return { transport, name: rest };
  }
  const sep = rest.indexOf(':');
  const path = sep === -1 ? rest : rest.slice(0, sep);
  const name = sep === -1 || sep === rest.length - 1 ? undefined : rest.slice(sep + 1);
  if (transport === 'oci' || transport === 'oci-archive') {
    if (name !== undefined && !tagPattern.test(name)) fail(`"${name}" is not a valid tag`);
    return { transport, path, ...(name === undefined ? {} : { tag: name }) };
  }
  if (transport === 'docker-archive') {
    if (name !== undefined) parseReference(name);
    return { transport, path, ...(name === undefined ? {} : { name }) };
  }
  return fail(`unknown transport "${transport}"`);
}

export interface WriteOptions {
  events?: EventSink;
  /** Registries reached over plain HTTP (configuration `registry.insecure`). */
  insecure?: readonly string[];
  /** Engine endpoint for `docker-daemon:` (configuration `engine.host`; default DOCKER_HOST, then the socket). */
  engineHost?: string;
}

/** Writes the image to the destination through the shared sinks (each writes atomically). */
export async function writeImage(image: Image, dest: Destination, options: WriteOptions = {}): Promise<void> {
  const events = options.events ?? silent;
  const artifact = { kind: 'image', image } as const;
  switch (dest.transport) {
    case 'oci':
      await writeLayoutDir(dest.path, artifact, { events, ...(dest.tag === undefined ? {} : { tag: dest.tag }) });
      return;
    case 'oci-archive':
      await writeLayoutArchive(dest.path, artifact, { events, ...(dest.tag === undefined ? {} : { tag: dest.tag }) });
      return;
    case 'docker-archive':
      await writeDockerArchive(dest.path, [{ image, tags: dest.name === undefined ? [] : [dest.name] }], { events });
      return;
    case 'docker':
      await pushImage(withDefaultTag(parseReference(dest.name)), artifact, { events, ...(options.insecure === undefined ? {} : { insecure: options.insecure }) });
      return;
    case 'docker-daemon':
      await new EngineClient(options.engineHost === undefined ? {} : { host: options.engineHost }).load(dockerArchiveStream([{ image, tags: [dest.name] }]), `docker-daemon:${dest.name}`);
      return;
  }
}

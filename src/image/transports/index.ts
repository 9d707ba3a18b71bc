/**
 * Image names as skopeo writes them — `TRANSPORT:REST` — and the registry of transports, one module each.
 * A bare reference (`node:20`, `localhost:5000/app:1`) tries the transports that accept one, in order: the
 * daemon, then the registry.
 */
import { invalidInput, ShipshapeError } from '../../internal/errors.js';
import { Scratch } from '../atomic.js';
import { parseReference } from '../reference.js';
import type { Artifact, Digest, ImageDescription } from '../types.js';
import { transport as dir } from './dir.js';
import { transport as docker } from './docker.js';
import { transport as dockerArchive } from './docker-archive.js';
import { transport as dockerDaemon } from './docker-daemon.js';
import { transport as oci } from './oci.js';
import { transport as ociArchive } from './oci-archive.js';
import { transport as rootfs } from './rootfs.js';
import type { Transport, TransportContext, WriteOptions, WriteResult } from './types.js';

export type { Transport, TransportContext, WriteOptions, WriteResult } from './types.js';

/** Every transport, keyed by its name; test/meta checks that this matches the folder. */
export const transports: Record<string, Transport> = {
  'docker-archive': dockerArchive,
  'docker-daemon': dockerDaemon,
  dir,
  docker,
  oci,
  'oci-archive': ociArchive,
  rootfs,
};

/** Transports skopeo knows that this build may lack, so that their names give a clear error, not a bare-ref parse. */
const knownElsewhere: Record<string, string> = {
  'containers-storage': 'containers-storage:REF (Podman/CRI-O storage)',
  sif: 'sif:PATH',
};

export interface ImageName {
  /** The transport name, or undefined for a bare reference. */
  transport: string | undefined;
  /** What follows `transport:` (for `docker://x`, `x`), or the whole bare reference. */
  rest: string;
  /** As the user wrote it. */
  input: string;
}

/** Parses `oci:./x:tag`, `docker-archive:a.tar`, `docker://ref` or a bare reference. */
export function parseImageName(input: string): ImageName {
  if (input === '') throw invalidInput('image name', 'is empty');
  const match = /^([a-z][a-z0-9-]*):(.*)$/s.exec(input);
  const prefix = match?.[1];
  if (match && prefix !== undefined) {
    let rest = match[2] ?? '';
    if (prefix === 'docker') {
      if (!rest.startsWith('//')) throw invalidInput(`image name "${input}"`, 'the registry transport is written docker://REF');
      rest = rest.slice(2);
    }
    if (prefix in transports || prefix in knownElsewhere) {
      if (rest === '') throw invalidInput(`image name "${input}"`, `nothing after "${prefix}:"`);
      return { transport: prefix, rest, input };
    }
  }
  try {
    parseReference(input);
  } catch {
    const hint = Object.values(transports).map((t) => t.usage.split(/\s+/)[0] ?? '').join(', ');
    throw invalidInput(`image name "${input}"`, `is neither TRANSPORT:… (${hint}) nor an image reference`);
  }
  return { transport: undefined, rest: input, input };
}

function lookup(name: ImageName): Transport {
  const t = name.transport === undefined ? undefined : transports[name.transport];
  if (t) return t;
  const what = name.transport === undefined ? '' : (knownElsewhere[name.transport] ?? name.transport);
  throw new ShipshapeError('usage', `the ${what} transport is not available in this version of shipshape`, { subject: `image "${name.input}"` });
}

function bareTransports(): Transport[] {
  return Object.values(transports)
    .filter((t) => t.bareReferenceOrder !== undefined)
    .sort((a, b) => (a.bareReferenceOrder ?? 0) - (b.bareReferenceOrder ?? 0));
}

/**
 * Opens what `input` names. A bare reference tries the daemon, then the registry: `not-found` moves on to the next,
 * and so does an unreachable engine (`external`) when another transport is left — a machine without Docker still
 * pulls `node:20` from its registry. The last candidate's failure is the answer.
 */
export async function open(input: string, ctx: TransportContext): Promise<Artifact> {
  const name = parseImageName(input);
  if (name.transport !== undefined) return lookup(name).open(name.rest, ctx);
  const candidates = bareTransports();
  if (candidates.length === 0) {
    const local = Object.values(transports).map((t) => `${t.name}:`).join(', ');
    throw new ShipshapeError('usage', `a bare reference is looked up in the Docker daemon (docker-daemon:), then a registry (docker://), and neither transport is available in this version; name the source with one of ${local}`, { subject: `image "${input}"` });
  }
  const misses: string[] = [];
  for (const [i, t] of candidates.entries()) {
    try {
      return await t.open(name.rest, ctx);
    } catch (error) {
      const last = i === candidates.length - 1;
      if (!(error instanceof ShipshapeError) || (error.code !== 'not-found' && (error.code !== 'external' || last))) throw error;
      if (last && misses.length === 0) throw error;
      misses.push(`${t.name}: ${error.message}`);
      if (last) throw new ShipshapeError(error.code, `not found (${misses.join('; ')})`, { subject: `image "${input}"`, cause: error });
    }
  }
  throw new ShipshapeError('internal', 'no transport answered', { subject: `image "${input}"` });
}

/**
 * Describes what `input` names from its source's metadata alone (see `Transport.describe`), or undefined when its
 * transport has no cheaper way than `open`. A bare reference asks the daemon; when the engine lacks the image or
 * is unreachable the answer is undefined, and `open` then tries the daemon and the registry as usual.
 */
export async function describe(input: string, ctx: TransportContext): Promise<ImageDescription | undefined> {
  const name = parseImageName(input);
  if (name.transport !== undefined) {
    const t = lookup(name);
    return t.describe ? t.describe(name.rest, ctx) : undefined;
  }
  const first = bareTransports()[0];
  if (!first?.describe) return undefined;
  try {
    return await first.describe(name.rest, ctx);
  } catch (error) {
    if (error instanceof ShipshapeError && (error.code === 'not-found' || error.code === 'external')) return undefined;
    throw error;
  }
}

/**
 * A digest of what `input` names now, from its source's index alone (see `Transport.resolve`), or undefined when its
 * transport has none cheaper than `open`. A bare reference asks the daemon, then the registry, as `open` looks.
 */
export async function resolve(input: string, ctx: TransportContext): Promise<Digest | undefined> {
  const name = parseImageName(input);
  if (name.transport !== undefined) {
    const t = lookup(name);
    return t.resolve ? t.resolve(name.rest, ctx) : undefined;
  }
  const candidates = bareTransports();
  for (const [i, t] of candidates.entries()) {
    if (!t.resolve) return undefined;
    try {
      return await t.resolve(name.rest, ctx);
    } catch (error) {
      const last = i === candidates.length - 1;
      if (last || !(error instanceof ShipshapeError) || (error.code !== 'not-found' && error.code !== 'external')) throw error;
    }
  }
  return undefined;
}

/** The transport a destination name uses (a bare reference means the registry, as for `docker push`). */
export function sinkFor(input: string): { transport: Transport; rest: string } {
  const name = parseImageName(input);
  if (name.transport === undefined) {
    const registry = Object.values(transports).find((t) => t.name === 'docker');
    if (!registry) throw new ShipshapeError('usage', 'a bare destination means a registry (docker://), which is not available in this version; name the destination with a transport, e.g. oci:DIR', { subject: `image "${input}"` });
    return { transport: registry, rest: name.rest };
  }
  const transport = lookup(name);
  if (!transport.write) throw new ShipshapeError('usage', `${transport.name}: is a source only`, { subject: `image "${input}"` });
  return { transport, rest: name.rest };
}

/** Writes an artifact to what `input` names. */
export async function write(input: string, artifact: Artifact, ctx: TransportContext, options: WriteOptions = {}): Promise<WriteResult> {
  const { transport, rest } = sinkFor(input);
  if (!transport.write) throw new ShipshapeError('usage', `${transport.name}: is a source only`, { subject: `image "${input}"` });
  return transport.write(rest, artifact, ctx, options);
}

/**
 * A context for one operation; `close` runs the deferred cleanups and removes the scratch space. `signal`
 * interrupts its writes (see TransportContext.signal).
 */
export async function createTransportContext(config: TransportContext['config'], events: TransportContext['events'], signal?: AbortSignal): Promise<TransportContext & { close(): Promise<void> }> {
  const scratch = await Scratch.create();
  const cleanups: (() => Promise<void>)[] = [];
  return {
    config,
    events,
    scratch,
    ...(signal === undefined ? {} : { signal }),
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    async close() {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      await scratch.dispose();
    },
  };
}

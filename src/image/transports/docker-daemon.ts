/**
 * `docker-daemon:REF` — an image in the Docker engine (or Podman's compatible socket) at `engine.host`,
 * `DOCKER_HOST` or the local socket. Reading exports the image and spools it into the cache directory (exports are
 * as big as the image: the cache is where the user has said big files may go, not the system temp), removed when
 * the operation ends. Writing loads a docker archive (zstd layers recompressed to gzip, in the same place, unless
 * allowed and the engine reads zstd).
 * `describe` (inspect without sizes) asks the Engine API for inspect and history only, exporting nothing; `resolve`
 * asks for inspect alone.
 * A bare reference (`node:20`) tries this transport first.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDirOf } from '../../config/load.js';
import { invalidInput, wrap } from '../../internal/errors.js';
import type * as daemon from '../daemon/index.js';
import type { Transport, TransportContext } from './types.js';

/** The engine client loads only when the engine is used. */
function loadDaemon(): Promise<typeof daemon> {
  return import('../daemon/index.js');
}

/** Where exports are spooled: `spool/` in the cache directory, made on first use. */
async function spoolDir(ctx: TransportContext): Promise<string> {
  const dir = join(cacheDirOf(ctx.config), 'spool');
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw wrap(error, `making the spool directory ${dir}`);
  }
  return dir;
}

async function options(ctx: TransportContext): Promise<daemon.DaemonOptions> {
  return { tempDir: await spoolDir(ctx), events: ctx.events, ...(ctx.config.engine.host === undefined ? {} : { host: ctx.config.engine.host }) };
}

export const transport: Transport = {
  name: 'docker-daemon',
  usage: 'docker-daemon:REF  an image in the Docker engine (DOCKER_HOST, engine.host or /var/run/docker.sock)',
  bareReferenceOrder: 0,
  writesIndexes: false,
  async open(rest, ctx) {
    const opened = await (await loadDaemon()).image(rest, await options(ctx));
    ctx.defer(() => opened.close());
    return { kind: 'image', image: opened.image };
  },
  async describe(rest, ctx) {
    // No spool directory: the Engine API's inspect and history answer without an export.
    return (await loadDaemon()).describe(rest, { events: ctx.events, ...(ctx.config.engine.host === undefined ? {} : { host: ctx.config.engine.host }) });
  },
  async resolve(rest, ctx) {
    // the image ID (one inspect request): the engine has no manifest of its own until it exports one
    return (await loadDaemon()).imageId(rest, { events: ctx.events, ...(ctx.config.engine.host === undefined ? {} : { host: ctx.config.engine.host }) });
  },
  async write(rest, artifact, ctx, writeOptions) {
    if (artifact.kind !== 'image') throw invalidInput(`docker-daemon:${rest}`, 'an engine holds single images; choose one with --platform');
    const result = await (await loadDaemon()).write(rest, artifact.image, { ...(await options(ctx)), ...(writeOptions.allowZstd === true ? { allowZstd: true } : {}), ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
    return { name: `docker-daemon:${result.name}` };
  },
};

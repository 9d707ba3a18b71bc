/**
 * `docker-daemon:REF` — an image in the Docker engine (or Podman's compatible socket) at `engine.host`,
 * `DOCKER_HOST` or the local socket. Reading exports the image and spools it into the operation's scratch space;
 * writing loads a docker archive (zstd layers recompressed to gzip unless allowed and the engine reads zstd).
 * A bare reference (`node:20`) tries this transport first.
 */
import { invalidInput } from '../../internal/errors.js';
import * as daemon from '../daemon/index.js';
import type { Transport, TransportContext } from './types.js';

function options(ctx: TransportContext): daemon.DaemonOptions {
  return { tempDir: ctx.scratch.dir, events: ctx.events, ...(ctx.config.engine.host === undefined ? {} : { host: ctx.config.engine.host }) };
}

export const transport: Transport = {
  name: 'docker-daemon',
  usage: 'docker-daemon:REF  an image in the Docker engine (DOCKER_HOST, engine.host or /var/run/docker.sock)',
  bareReferenceOrder: 0,
  writesIndexes: false,
  async open(rest, ctx) {
    const opened = await daemon.image(rest, options(ctx));
    ctx.defer(() => opened.close());
    return { kind: 'image', image: opened.image };
  },
  async write(rest, artifact, ctx, writeOptions) {
    if (artifact.kind !== 'image') throw invalidInput(`docker-daemon:${rest}`, 'an engine holds single images; choose one with --platform');
    const result = await daemon.write(rest, artifact.image, { ...options(ctx), ...(writeOptions.allowZstd === true ? { allowZstd: true } : {}) });
    return { name: `docker-daemon:${result.name}` };
  },
};

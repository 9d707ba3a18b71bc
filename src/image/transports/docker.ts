/** `docker://REF` — an image in a registry, through the distribution-API client of `../remote/`. */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ShipshapeError } from '../../internal/errors.js';
import { familiar, parseReference, withDefaultTag } from '../reference.js';
import * as remote from '../remote/index.js';
import type { Transport, TransportContext } from './types.js';

/** One client pool per operation, so that a copy between two repositories shares pings and tokens. */
const pools = new WeakMap<TransportContext, remote.ClientPool>();

/** The blob cache: the configured directory when absolute, else the default the config loader also uses. */
function cacheDir(ctx: TransportContext): string {
  const configured = ctx.config.cacheDir;
  if (configured !== undefined && isAbsolute(configured)) return configured;
  return process.env.SHIPSHAPE_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shipshape');
}

function options(ctx: TransportContext, what: string): remote.PushOptions {
  if (ctx.config.offline) throw new ShipshapeError('usage', `${what} needs a registry, but the configuration says offline: true`);
  const r = ctx.config.registry;
  const base = { insecure: r.insecure, mirrors: r.mirrors, timeout: r.timeout, retries: r.retries, events: ctx.events, cacheDir: cacheDir(ctx) };
  let pool = pools.get(ctx);
  if (!pool) {
    pool = new remote.ClientPool(base);
    pools.set(ctx, pool);
  }
  return { ...base, clients: pool };
}

export const transport: Transport = {
  name: 'docker',
  usage: 'docker://REF  an image in a registry (docker://node:20, docker://localhost:5000/app:1)',
  // a bare reference is looked up in the Docker daemon first, then in its registry, as `docker run` does
  bareReferenceOrder: 20,
  writesIndexes: true,
  async open(rest, ctx) {
    const ref = parseReference(rest);
    const { artifact } = await remote.artifact(ref, options(ctx, `reading docker://${rest}`));
    return artifact;
  },
  async write(rest, artifact, ctx) {
    const ref = withDefaultTag(parseReference(rest));
    const result = await remote.write(ref, artifact, options(ctx, `writing docker://${rest}`));
    return { name: `docker://${familiar(ref)}`, digest: result.digest, blobs: result.blobs.map((b) => ({ digest: b.digest, size: b.size, how: b.how })) };
  },
};

/** `docker://REF` — an image in a registry, through the distribution-API client of `../remote/`. */
import { cacheDirOf } from '../../config/load.js';
import { ShipshapeError } from '../../internal/errors.js';
import { familiar, parseReference, withDefaultTag } from '../reference.js';
import type * as remote from '../remote/index.js';
import type { Transport, TransportContext } from './types.js';

/** One client pool per operation, so that a copy between two repositories shares pings and tokens. */
const pools = new WeakMap<TransportContext, remote.ClientPool>();

/** The registry client (undici, the token flow) loads only when a registry is used: most verbs never need it. */
function loadRemote(): Promise<typeof remote> {
  return import('../remote/index.js');
}

function options(ctx: TransportContext, what: string, client: typeof remote): remote.PushOptions {
  if (ctx.config.offline) throw new ShipshapeError('usage', `${what} needs a registry, but the configuration says offline: true`);
  const r = ctx.config.registry;
  const base = { ...client.settingsOf(r), mirrors: r.mirrors, events: ctx.events, cacheDir: cacheDirOf(ctx.config), ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) };
  let pool = pools.get(ctx);
  if (!pool) {
    pool = new client.ClientPool(base);
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
    const client = await loadRemote();
    const { artifact } = await client.artifact(ref, options(ctx, `reading docker://${rest}`, client));
    return artifact;
  },
  async resolve(rest, ctx) {
    const ref = parseReference(rest);
    const client = await loadRemote();
    return (await client.resolveDigest(ref, options(ctx, `resolving docker://${rest}`, client))).digest;
  },
  async write(rest, artifact, ctx) {
    const ref = withDefaultTag(parseReference(rest));
    const client = await loadRemote();
    const result = await client.write(ref, artifact, options(ctx, `writing docker://${rest}`, client));
    return { name: `docker://${familiar(ref)}`, digest: result.digest, blobs: result.blobs.map((b) => ({ digest: b.digest, size: b.size, how: b.how })) };
  },
};

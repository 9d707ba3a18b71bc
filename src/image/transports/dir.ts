/** `dir:PATH` — skopeo's directory format (manifest.json, version, blobs named by hex digest). */
import { readDir, writeDir } from '../dir/index.js';
import { artifactDescriptor } from '../walk.js';
import type { Transport } from './types.js';

export const transport: Transport = {
  name: 'dir',
  usage: 'dir:PATH  skopeo\'s directory format',
  writesIndexes: true,
  open(rest) {
    return readDir(rest);
  },
  async write(rest, artifact, ctx) {
    await writeDir(rest, artifact, ctx.events, ctx.signal);
    return { name: `dir:${rest}`, digest: artifactDescriptor(artifact).digest };
  },
};

/** `oci-archive:PATH[:TAG]` — an OCI image layout in a tar file (read in place, never extracted). */
import { TarTree } from '../file-tree.js';
import { readLayout } from '../layout/read.js';
import { writeLayoutArchive } from '../layout/write.js';
import { TarIndex } from '../tar-index.js';
import { artifactDescriptor } from '../walk.js';
import { splitPathSuffix, type Transport } from './types.js';

export const transport: Transport = {
  name: 'oci-archive',
  usage: 'oci-archive:PATH[:TAG]  an OCI image layout as a tar file',
  writesIndexes: true,
  async open(rest) {
    const { path, suffix } = splitPathSuffix(rest);
    const tar = await TarIndex.open(path, `oci-archive:${path}`);
    return readLayout(new TarTree(tar), suffix ? { tag: suffix } : {});
  },
  async write(rest, artifact, ctx) {
    const { path, suffix } = splitPathSuffix(rest);
    await writeLayoutArchive(path, artifact, { events: ctx.events, ...(suffix ? { tag: suffix } : {}), ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
    return { name: `oci-archive:${rest}`, digest: artifactDescriptor(artifact).digest };
  },
};

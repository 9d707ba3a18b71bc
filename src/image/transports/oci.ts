/** `oci:PATH[:TAG]` — an OCI image layout directory. */
import { DirTree } from '../file-tree.js';
import { sha256 } from '../blob.js';
import { readLayout, readLayoutIndex, selectLayoutEntry } from '../layout/read.js';
import { writeLayoutDir } from '../layout/write.js';
import { artifactDescriptor } from '../walk.js';
import { splitPathSuffix, type Transport } from './types.js';

export const transport: Transport = {
  name: 'oci',
  usage: 'oci:PATH[:TAG]  an OCI image layout directory',
  writesIndexes: true,
  async open(rest) {
    const { path, suffix } = splitPathSuffix(rest);
    return readLayout(new DirTree(path, `oci:${path}`), suffix ? { tag: suffix } : {});
  },
  async resolve(rest) {
    const { path, suffix } = splitPathSuffix(rest);
    const tree = new DirTree(path, `oci:${path}`);
    const { raw, manifests } = await readLayoutIndex(tree);
    // a layout read as a whole is the index index.json describes, whose digest is that of its bytes
    return selectLayoutEntry(tree.name, manifests, suffix ? { tag: suffix } : {})?.digest ?? sha256(raw);
  },
  async write(rest, artifact, ctx) {
    const { path, suffix } = splitPathSuffix(rest);
    await writeLayoutDir(path, artifact, { events: ctx.events, ...(suffix ? { tag: suffix } : {}), ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
    return { name: `oci:${rest}`, digest: artifactDescriptor(artifact).digest };
  },
};

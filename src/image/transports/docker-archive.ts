/** `docker-archive:PATH[:REF|:@N]` — a `docker save` archive (legacy or Docker 25+ OCI form). */
import { invalidInput } from '../../internal/errors.js';
import { openDockerArchive } from '../tarball/read.js';
import { writeDockerArchive } from '../tarball/write.js';
import { imageDescriptor } from '../walk.js';
import { splitPathSuffix, type Transport } from './types.js';

function selector(suffix: string | undefined): { reference?: string; position?: number } {
  if (suffix === undefined || suffix === '') return {};
  if (suffix.startsWith('@')) {
    const n = suffix.slice(1);
    if (!/^\d+$/.test(n)) throw invalidInput(`docker-archive:…:${suffix}`, 'expected @N with N a whole number');
    return { position: Number(n) };
  }
  return { reference: suffix };
}

export const transport: Transport = {
  name: 'docker-archive',
  usage: 'docker-archive:PATH[:REF|:@N]  a docker save archive (legacy or Docker 25+ OCI form)',
  writesIndexes: false,
  async open(rest) {
    const { path, suffix } = splitPathSuffix(rest);
    return { kind: 'image', image: await openDockerArchive(path, selector(suffix)) };
  },
  async write(rest, artifact, ctx, options) {
    const { path, suffix } = splitPathSuffix(rest);
    if (artifact.kind !== 'image') throw invalidInput(`docker-archive:${rest}`, 'a docker archive holds single images; choose one with --platform');
    if (suffix?.startsWith('@')) throw invalidInput(`docker-archive:${rest}`, 'name the image to write with a reference, not @N');
    await writeDockerArchive(path, [{ image: artifact.image, tags: suffix ? [suffix] : [] }], { events: ctx.events, ...(options.allowZstd ? { allowZstd: true } : {}), ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
    return { name: `docker-archive:${rest}`, digest: imageDescriptor(artifact.image).digest };
  },
};

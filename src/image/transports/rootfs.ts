/** `rootfs:PATH` — a root filesystem directory as a one-layer image (a source only). */
import { readRootfs } from '../rootfs/index.js';
import type { Transport } from './types.js';

export const transport: Transport = {
  name: 'rootfs',
  usage: 'rootfs:PATH  a root filesystem directory as one deterministic layer (source only)',
  writesIndexes: false,
  async open(rest) {
    return { kind: 'image', image: await readRootfs(rest) };
  },
};

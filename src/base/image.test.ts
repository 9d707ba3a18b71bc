import { describe, expect, it } from 'vitest';
import { tarOf } from '../testing/random-image.js';
import { validateImage } from '../image/validate.js';
import { imageFromTars } from './image.js';

// The digest of a fixed spec, recorded before imageFromTars was built on mutate's append(): the bases' digests
// (and the lock files and reproducibility tests that compare them) must not move when the assembly does.
const golden = 'sha256:bb01a1944cd94245557d3710b75b62c1a60cad7cdbb81aaa15a68c2bb175d904';

async function spec(): Promise<Parameters<typeof imageFromTars>[0]> {
  return {
    architecture: 'arm64',
    created: '2024-01-02T03:04:05Z',
    layers: [
      { tar: await tarOf([{ name: 'etc/', type: 'directory' }, { name: 'etc/os-release', content: 'ID=debian\n' }]), createdBy: 'shipshape base: packages' },
      { tar: await tarOf([{ name: 'nodejs/bin/node', content: 'not really node', mode: 0o755 }]), createdBy: 'shipshape base: node' },
    ],
    config: { User: '65532:65532', Env: ['PATH=/usr/bin:/bin'], Entrypoint: ['/nodejs/bin/node'], WorkingDir: '/home/nonroot' },
  };
}

describe('imageFromTars', () => {
  it('gives the recorded digest for a fixed spec (reproducible bases)', async () => {
    const image = imageFromTars(await spec());
    expect(image.digest).toBe(golden);
    expect(image.config.architecture).toBe('arm64');
    expect(image.config.history?.map((h) => h.created_by)).toEqual(['shipshape base: packages', 'shipshape base: node']);
    await validateImage(image);
  });
});

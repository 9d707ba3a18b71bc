/** Media types of the OCI image-spec and of Docker's image manifest v2 schema 2. */
export const mediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export type Compression = 'none' | 'gzip' | 'zstd';

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;
}

export function isManifestMediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociManifest || mediaType === mediaTypes.dockerManifest;
}

/** The compression a layer media type declares, or undefined when it is not a layer type shipshape knows. */
export function layerCompression(mediaType: string): Compression | undefined {
  switch (mediaType) {
    case mediaTypes.ociLayer:
    case mediaTypes.dockerLayer:
      return 'none';
    case mediaTypes.ociLayerGzip:
    case mediaTypes.dockerLayerGzip:
    case mediaTypes.ociLayerNondistributableGzip:
    case mediaTypes.dockerForeignLayerGzip:
      return 'gzip';
    case mediaTypes.ociLayerZstd:
    case mediaTypes.dockerLayerZstd:
      return 'zstd';
    default:
      return undefined;
  }
}

/** The layer media type for a manifest flavour and compression. */
export function layerMediaType(flavour: 'oci' | 'docker', compression: Compression): string {
  if (flavour === 'oci') {
    return compression === 'gzip' ? mediaTypes.ociLayerGzip : compression === 'zstd' ? mediaTypes.ociLayerZstd : mediaTypes.ociLayer;
  }
  return compression === 'gzip' ? mediaTypes.dockerLayerGzip : compression === 'zstd' ? mediaTypes.dockerLayerZstd : mediaTypes.dockerLayer;
}

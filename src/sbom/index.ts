/** The SBOM engine's public surface. */
export type { Package, PackageType, Relationship, Sbom, SbomSource, Unknown } from './model.js';
export type { Cataloger, CatalogContext, CatalogResult, HostCaches } from './cataloger.js';
export { catalogDirectory, catalogImage, catalogImageFiles, readDistro, type CatalogOptions } from './catalog.js';
export { catalogers } from './catalogers/index.js';
export { formats, type SbomFormat } from './formats/index.js';

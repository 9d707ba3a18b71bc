/**
 * `sbom()`: what is in an image or a directory, as packages with their files, layers and licenses, rendered in
 * SPDX 2.3, CycloneDX 1.6, a table or shipshape's JSON.
 */
import type { Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';
import { catalogDirectory, catalogImage, formats, type Sbom, type SbomFormat } from '../sbom/index.js';

export type { Package, Sbom, SbomFormat } from '../sbom/index.js';

export interface SbomOptions {
  /** How the caller named the source, for the document. */
  name: string;
  /** Cataloger names to run (all by default). */
  catalogers?: string[];
  events?: EventSink;
  tool?: { name: string; version: string };
}

export type SbomSourceInput = { image: Image } | { directory: string };

export async function sbom(source: SbomSourceInput, options: SbomOptions): Promise<Sbom> {
  const common = {
    ...(options.catalogers ? { catalogers: options.catalogers } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...(options.tool ? { tool: options.tool } : {}),
  };
  return 'image' in source ? catalogImage(source.image, options.name, common) : catalogDirectory(source.directory, common);
}

export function renderSbom(doc: Sbom, format: SbomFormat): string {
  return formats[format](doc);
}

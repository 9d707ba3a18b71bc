/** Every SBOM output format, one folder each; test/meta checks this list matches the folders. */
import type { Sbom } from '../model.js';
import { toCycloneDxJson } from './cyclonedx-json/cyclonedx-json.js';
import { toJson } from './json/json.js';
import { toSpdxJson } from './spdx-json/spdx-json.js';
import { toText } from './text/text.js';

export type SbomFormat = 'text' | 'json' | 'spdx-json' | 'cyclonedx-json';

export const formats: Record<SbomFormat, (sbom: Sbom) => string> = {
  'cyclonedx-json': toCycloneDxJson,
  json: toJson,
  'spdx-json': toSpdxJson,
  text: toText,
};

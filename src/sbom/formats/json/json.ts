/** shipshape's own JSON: the model as it is, sorted. */
import type { Sbom } from '../../model.js';

export function toJson(sbom: Sbom): string {
  return `${JSON.stringify(sbom, null, 2)}\n`;
}

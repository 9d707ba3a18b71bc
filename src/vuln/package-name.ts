/**
 * The name under which a package's advisories are filed and compared, in one spelling for both sides: what an OSV
 * record names and what an image holds.
 */

/**
 * PyPI names are compared after PEP 503 normalisation (lower case, each run of `-`, `_` and `.` as one `-`): pip
 * treats `Pillow`, `pillow` and `PILLOW` as one project, and `zope.interface`, `zope_interface` and `zope-interface`
 * as another. OSV records spell a project as its advisory database does (`Pillow`, `zope.interface`), an installed
 * distribution's METADATA as its author did. Names in other ecosystems are returned as they are.
 */
export function advisoryName(ecosystem: string, name: string): string {
  if (ecosystem === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  return name;
}

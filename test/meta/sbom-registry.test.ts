/** Each SBOM cataloger and format lives in its own folder, and the registries list exactly those folders. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogers } from '../../src/sbom/catalogers/index.js';
import { formats } from '../../src/sbom/formats/index.js';

const root = resolve(import.meta.dirname, '../../src/sbom');
const folders = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((n) => statSync(join(root, dir, n)).isDirectory() && n !== '__fixtures__')
    .sort();

describe('sbom registries', () => {
  it('catalogers match src/sbom/catalogers/*/', () => {
    expect(Object.keys(catalogers).sort()).toEqual(folders('catalogers'));
  });
  it('each cataloger is named <ecosystem>-<source>-cataloger', () => {
    for (const c of Object.values(catalogers)) expect(c.name).toMatch(/^[a-z0-9]+-[a-z0-9-]+-cataloger$/);
  });
  it('formats match src/sbom/formats/*/', () => {
    expect(Object.keys(formats).sort()).toEqual(folders('formats'));
  });
});

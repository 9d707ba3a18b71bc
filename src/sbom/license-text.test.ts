import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  classifyLicenseText,
  closestLicense,
  isLicenseFileName,
  licenseFields,
  licensesInHostDirectory,
  matchThreshold,
  maxLicenseFileBytes,
  onHost,
  readHostLicenseFile,
  referenceLicenses,
} from './license-text.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__/licenses');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const debian = (name: string): string => readFileSync(join('/usr/share/common-licenses', name), 'utf8');
const reference = (id: string): string => (createRequire(import.meta.url)(`spdx-license-list/licenses/${id}.json`) as { licenseText: string }).licenseText;

describe('license text classifier', () => {
  it.each([
    ['Apache-2.0', 'Apache-2.0'],
    ['GPL-2', 'GPL-2.0-only'],
    ['GPL-3', 'GPL-3.0-only'],
    ['LGPL-2.1', 'LGPL-2.1-only'],
    ['LGPL-3', 'LGPL-3.0-only'],
    ['MPL-2.0', 'MPL-2.0'],
    ['CC0-1.0', 'CC0-1.0'],
    ['BSD', 'BSD-3-Clause'],
  ])("Debian's common-licenses/%s is %s", (file, id) => {
    expect(classifyLicenseText(debian(file))?.id).toBe(id);
  });

  it.each([
    ['golang-x-sys.LICENSE', 'BSD-3-Clause'],
    ['nanoid.LICENSE', 'MIT'],
    ['yaml.LICENSE', 'ISC'],
    ['espree.LICENSE', 'BSD-2-Clause'],
  ])('%s, a real license file with its own copyright lines, is %s', (file, id) => {
    expect(classifyLicenseText(fixture(file))?.id).toBe(id);
  });

  it('matches each reference text to itself', () => {
    for (const id of referenceLicenses) expect(closestLicense(reference(id))).toEqual({ id, similarity: 1 });
  });

  it('keeps matching when a copy is reflowed, retitled and carries another copyright line', () => {
    const words = fixture('nanoid.LICENSE').split('\n').slice(3).join(' ').split(/\s+/);
    const narrow: string[] = [];
    for (let i = 0; i < words.length; i += 6) narrow.push(words.slice(i, i + 6).join(' '));
    const text = `MIT Licence\n\nCopyright (c) 2001-2024 Somebody Else <x@example.com>\n\n${narrow.join('\n')}\n`;
    expect(classifyLicenseText(text)?.id).toBe('MIT');
  });

  it('answers no match below the threshold: two licenses in one file, a variant, added terms, prose', () => {
    expect(closestLicense(fixture('abbrev.LICENSE'))?.similarity).toBeLessThan(matchThreshold);
    expect(classifyLicenseText(fixture('abbrev.LICENSE'))).toBeUndefined();
    // BSD-3-Clause plus the FreeBSD "views and conclusions" paragraph is a different license
    expect(classifyLicenseText(fixture('svgpan.LICENSE'))).toBeUndefined();
    const extra = `${fixture('nanoid.LICENSE')}\nThe Software shall be used for Good, not Evil, and no commercial entity may deploy it without a separate agreement with the authors.\n`;
    expect(classifyLicenseText(extra)).toBeUndefined();
    expect(classifyLicenseText('# greeting\n\nA Go module that says hello. See the docs for usage.\n')).toBeUndefined();
    expect(classifyLicenseText('')).toBeUndefined();
  });

  it('tells apart the closest reference pairs by the best match', () => {
    expect(classifyLicenseText(reference('AGPL-3.0-only'))?.id).toBe('AGPL-3.0-only');
    expect(classifyLicenseText(debian('GPL-3'))?.id).toBe('GPL-3.0-only');
    expect(classifyLicenseText(reference('0BSD'))?.id).toBe('0BSD');
    expect(classifyLicenseText(reference('BSD-2-Clause'))?.id).toBe('BSD-2-Clause');
  });

  it('knows license file names', () => {
    for (const n of ['LICENSE', 'LICENSE.md', 'LICENCE', 'license.txt', 'LICENSE-MIT', 'LICENSE-APACHE', 'COPYING', 'COPYING.LESSER', 'NOTICE', 'UNLICENSE']) expect(isLicenseFileName(n), n).toBe(true);
    for (const n of ['README.md', 'licenses.go', 'license_test.go', 'license.go', 'go.mod', 'NOTICE.html.tmpl']) expect(isLicenseFileName(n), n).toBe(false);
  });
});

describe('license files of this machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-host-licenses-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a regular file up to the size limit, and nothing else', () => {
    writeFileSync(join(dir, 'at-limit'), 'a'.repeat(maxLicenseFileBytes));
    writeFileSync(join(dir, 'over-limit'), 'a'.repeat(maxLicenseFileBytes + 1));
    mkdirSync(join(dir, 'a-directory'));
    // a FIFO would block a plain read forever
    execFileSync('mkfifo', [join(dir, 'a-fifo')]);
    expect(readHostLicenseFile(join(dir, 'at-limit'))?.length).toBe(maxLicenseFileBytes);
    for (const name of ['over-limit', 'a-directory', 'a-fifo', 'missing']) expect(readHostLicenseFile(join(dir, name)), name).toBeUndefined();
  });

  it('classifies the license files of a host directory, marks their evidence host: and makes package fields of it', () => {
    const module = join(dir, 'module@v1.0.0');
    mkdirSync(join(module, 'COPYING'), { recursive: true });
    writeFileSync(join(module, 'LICENSE-MIT'), fixture('nanoid.LICENSE'));
    writeFileSync(join(module, 'LICENSE-ISC'), fixture('yaml.LICENSE'));
    writeFileSync(join(module, 'README.md'), fixture('yaml.LICENSE'));
    const found = licensesInHostDirectory(module);
    expect(found).toEqual({ licenses: ['ISC', 'MIT'], evidence: [join(module, 'LICENSE-ISC'), join(module, 'LICENSE-MIT')] });
    const host = found && onHost(found);
    expect(host).toEqual({ licenses: ['ISC', 'MIT'], evidence: [`host:${join(module, 'LICENSE-ISC')}`, `host:${join(module, 'LICENSE-MIT')}`] });
    expect(licenseFields(host)).toEqual({ licenses: ['ISC', 'MIT'], metadata: { licenseEvidence: `host:${join(module, 'LICENSE-ISC')}, host:${join(module, 'LICENSE-MIT')}` } });
    expect(licenseFields(undefined)).toEqual({ licenses: [], metadata: {} });
    expect(licensesInHostDirectory(join(dir, 'absent'))).toBeUndefined();
  });
});

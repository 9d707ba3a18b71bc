import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogImage, formats } from '../sbom/index.js';
import { buildImage } from '../testing/images.js';
import { loadScanPolicy, readSbomFile } from './scan.js';

describe('readSbomFile (scan SBOM.json)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-scan-sbom-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back what `sbom --format json` writes, and names the file and field of what scanning could not read', async () => {
    const image = await buildImage({ layers: [[{ path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }, { path: 'var/lib/dpkg/status', content: 'Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34+dfsg-1.2+deb12u1\n' }]] });
    const sbom = await catalogImage(image, 'test');
    const path = join(dir, 'sbom.json');
    await writeFile(path, formats.json(sbom));
    expect(await readSbomFile(path)).toEqual(JSON.parse(formats.json(sbom)));

    const doc = JSON.parse(formats.json(sbom)) as { packages: Record<string, unknown>[] };
    delete doc.packages[0]?.name;
    await writeFile(path, JSON.stringify(doc));
    await expect(readSbomFile(path)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/not an SBOM written by `shipshape sbom --format json`: field "packages\.0\.name": /) as unknown });
    await writeFile(path, '[1, 2]');
    await expect(readSbomFile(path)).rejects.toThrow(`${path}: not an SBOM written by \`shipshape sbom --format json\`: field "(root)": Invalid input: expected object, received array`);
    await writeFile(path, '{"packages": ');
    await expect(readSbomFile(path)).rejects.toThrow(`${path}: not JSON (Unexpected end of JSON input)`);
    await expect(readSbomFile(dir)).rejects.toThrow(/not a file/);
    // a file past the bound is refused before it is read (sparse: no disk used)
    const big = join(dir, 'big.json');
    await writeFile(big, '');
    await truncate(big, 513 * 1024 * 1024);
    await expect(readSbomFile(big)).rejects.toThrow(/larger than the 512 MiB an SBOM file may be/);
  });

  it('refuses a baseline, VEX document or ignore file past 64 MiB before reading it, and reads one below', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, '');
    await truncate(big, 65 * 1024 * 1024);
    await expect(loadScanPolicy({ baseline: big })).rejects.toMatchObject({ code: 'invalid-input', message: `${big}: 68157440 bytes: larger than the 64 MiB a baseline may be` });
    await expect(loadScanPolicy({ vex: [big] })).rejects.toThrow(`${big}: 68157440 bytes: larger than the 64 MiB a VEX document may be`);
    await expect(loadScanPolicy({ ignoreFile: big })).rejects.toThrow(`${big}: 68157440 bytes: larger than the 64 MiB an ignore file may be`);
    await expect(loadScanPolicy({ baseline: dir })).rejects.toThrow(`${dir}: not a file`);
    const small = join(dir, 'baseline.json');
    await writeFile(small, JSON.stringify({ kind: 'shipshape-scan-baseline', version: 1, findings: [] }));
    expect(await loadScanPolicy({ baseline: small })).toEqual({ baseline: { kind: 'shipshape-scan-baseline', version: 1, findings: [] } });
  });
});

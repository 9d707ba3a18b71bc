import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { buildImage } from '../../testing/images.js';
import { analyzeImage } from '../engine.js';
import { evaluateGate } from '../gate.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

/** The official schemas sit beside the checkout (`../shared/schemas`, TESTENV.md); SHIPSHAPE_SCHEMAS overrides. */
const schemaDir = [process.env.SHIPSHAPE_SCHEMAS, resolve(import.meta.dirname, '../../../../shared/schemas'), '/work/shared/schemas'].find(
  (d): d is string => d !== undefined && existsSync(resolve(d, 'sarif-2.1.0.schema.json')),
);

async function sample() {
  const image = await buildImage({
    config: { Env: ['API_TOKEN=abcdefgh'] },
    layers: [
      { files: [{ path: 'usr/share/doc/x/README', size: 2000 }, { path: 'usr/bin/su', size: 10, mode: 0o4755 }], createdBy: '/bin/sh -c #(nop) ADD file:1 in /' },
      { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["sh"]' },
      { files: [{ path: 'tmp/big', size: 3000 }], createdBy: '/bin/sh -c curl -o /tmp/big x' },
      { files: [{ path: 'tmp/big', type: 'whiteout' }], createdBy: '/bin/sh -c rm /tmp/big' },
    ],
  });
  return (await analyzeImage(image, { reference: 'example:1' })).report;
}

describe('formatters', () => {
  it('text: headline figures, biggest wins first, layers, security and gate', async () => {
    const report = await sample();
    const text = formatText(report, evaluateGate(report, { maxWastedBytes: 100 }));
    expect(text).toMatch(/^example:1 {2}linux\/amd64/);
    const wins = text.indexOf('Biggest wins');
    expect(text.indexOf('3.0 kB', wins)).toBeLessThan(text.indexOf('2.0 kB', wins));
    expect(text).toContain('RUN curl -o /tmp/big x');
    expect(text).toContain('Env API_TOKEN (values redacted)');
    expect(text).not.toContain('abcdefgh');
    expect(text).toContain('Gate: FAILED\n  ✗ maxWastedBytes: wasted 3.0 kB exceeds maxWastedBytes 100 B');
  });

  it('text: every fix is printed whole, wrapped to the width; counts of one are singular', async () => {
    const report = await sample();
    const text = formatText(report, undefined, undefined, 80);
    for (const f of report.findings.filter((x) => (x.bytes ?? 0) > 0 && x.fix !== undefined)) {
      const at = text.indexOf(`fix: ${(f.fix ?? '').split(' ')[0] ?? ''}`);
      expect(at, f.id).toBeGreaterThan(-1);
      // the fix's lines (the first after `fix: `, the rest indented alike) read back as the whole fix
      const [first = '', ...rest] = text.slice(at + 'fix: '.length).split('\n');
      const mine = [first, ...rest.slice(0, Math.max(0, rest.findIndex((l) => !/^ {19}\S/.test(l))))];
      expect(mine.map((l) => l.trim()).join(' ')).toBe((f.fix ?? '').replace(/\s+/g, ' ').trim());
      expect(Math.max(...mine.map((l, k) => (k === 0 ? 19 : 0) + l.length))).toBeLessThanOrEqual(80);
    }
    expect(text).toContain('1 entry (3000 bytes)');
  });

  it.skipIf(schemaDir === undefined)('sarif: valid against the SARIF 2.1.0 schema, one result per finding', async () => {
    const report = await sample();
    const sarif = JSON.parse(formatSarif(report, '0.1.0')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: unknown }; logicalLocations: { name: string }[] }[] }[] }[] };
    const schema = JSON.parse(readFileSync(resolve(schemaDir ?? '', 'sarif-2.1.0.schema.json'), 'utf8'));
    // a CommonJS module: its class is the `default` export of module.exports
    const ajv = new ajvDraft04.default({ strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = sarif.runs[0]!.results;
    expect(results).toHaveLength(report.findings.length);
    const waste = results.find((r) => r.ruleId === 'waste/whiteout')!;
    expect(waste.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'tmp/big', uriBaseId: 'IMAGE_ROOT' });
    expect(waste.locations[0]!.logicalLocations[0]!.name).toBe(report.sizes.layers[1]?.digest);
  });

  it('sarif: a path with `#`, `?` or `%` in a name stays a path in its URI', async () => {
    const name = 'tmp/v1#2?x=%41 b';
    const image = await buildImage({ layers: [[{ path: name, size: 3000 }], [{ path: name, type: 'whiteout' }]] });
    const { report } = await analyzeImage(image);
    const sarif = JSON.parse(formatSarif(report, '0.1.0')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uri = sarif.runs[0]!.results.find((r) => r.ruleId === 'waste/whiteout')!.locations[0]!.physicalLocation.artifactLocation.uri;
    expect(uri).toBe('tmp/v1%232%3Fx%3D%2541%20b');
    const resolved = new URL(uri, 'file:///');
    expect([decodeURIComponent(resolved.pathname), resolved.search, resolved.hash]).toEqual([`/${name}`, '', '']);
  });
});

/**
 * The license text classifier on the license files of this machine: Debian's common-licenses, the LICENSE files Debian's
 * Go 1.19 vendors under /usr/share/go-1.19, and every `node_modules/*\/LICENSE` of this checkout (whose package.json
 * `license` is the expected answer). Prints how close the reference texts are to one another, each file's best match
 * and score, whether the npm ones agree with their declared license, and the classification time per file.
 * Run with `npm run bench:license-text`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { closestLicense, dice, licenseWords, matchThreshold, referenceLicenses } from '../src/sbom/license-text.js';

const repo = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

const refs = referenceLicenses.map((id) => ({ id, words: licenseWords((require(`spdx-license-list/licenses/${id}.json`) as { licenseText: string }).licenseText) }));
console.log('reference text        words  closest other reference');
for (const a of refs) {
  const closest = refs.filter((b) => b.id !== a.id).map((b) => ({ id: b.id, s: dice(a.words, b.words) })).sort((x, y) => y.s - x.s)[0];
  console.log(`${a.id.padEnd(20)} ${String(a.words.size).padStart(6)}  ${closest?.id ?? ''} ${closest?.s.toFixed(3) ?? ''}`);
}

const goVendor = '/usr/share/go-1.19/src/cmd/vendor';
const files = [
  ...['Apache-2.0', 'GPL-2', 'GPL-3', 'LGPL-2.1', 'LGPL-3', 'MPL-2.0', 'CC0-1.0', 'BSD'].map((n) => `/usr/share/common-licenses/${n}`).filter((p) => existsSync(p)),
  ...(existsSync(goVendor) ? readdirSync(goVendor, { recursive: true }).map(String).filter((p) => /(?:^|\/)[A-Z0-9_]*LICENSE$/.test(p)).map((p) => join(goVendor, p)) : []),
];
const npm = readdirSync(join(repo, 'node_modules')).flatMap((d) => (existsSync(join(repo, 'node_modules', d, 'LICENSE')) ? [join(repo, 'node_modules', d)] : []));

console.log('\nscore  best match        file');
for (const f of files) {
  const m = closestLicense(readFileSync(f, 'utf8'));
  console.log(`${(m?.similarity ?? 0).toFixed(3)}  ${(m?.id ?? '-').padEnd(16)}  ${f}`);
}

let matched = 0;
const disagree: string[] = [];
const below: string[] = [];
const start = process.cpuUsage();
let texts = 0;
for (const dir of npm) {
  const m = closestLicense(readFileSync(join(dir, 'LICENSE'), 'utf8'));
  texts++;
  const declared = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { license?: unknown }).license;
  if (!m || m.similarity < matchThreshold) {
    below.push(`${(m?.similarity ?? 0).toFixed(3)} ${m?.id ?? '-'} ${dir.slice(repo.length + 1)} (declared ${JSON.stringify(declared)})`);
    continue;
  }
  matched++;
  if (declared !== m.id) disagree.push(`${m.similarity.toFixed(3)} ${m.id} ${dir.slice(repo.length + 1)} (declared ${JSON.stringify(declared)})`);
}
const cpu = process.cpuUsage(start);
console.log(`\nnpm LICENSE files: ${npm.length}; at or above ${matchThreshold}: ${matched}; declared license differs from the match: ${disagree.length}`);
for (const d of disagree) console.log(`  differs: ${d}`);
for (const b of below) console.log(`  below:   ${b}`);
console.log(`\nclassification: ${((cpu.user + cpu.system) / 1000 / texts).toFixed(3)} CPU-ms per file (${texts} files), load average ${os.loadavg()[0]?.toFixed(2) ?? ''}`);

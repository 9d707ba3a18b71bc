import { describe, expect, it, vi } from 'vitest';
import { buildImage } from '../testing/images.js';
import { findSecrets as findSecretsInText, redact } from './rules.js';
import { scanImageSecrets, scanWindowBytes } from './scan.js';

/**
 * How many files secretlint and the own rules are working on at once, at most, and the longest text they are given
 * (the real findSecrets does the work).
 */
const inFlight = vi.hoisted(() => ({ now: 0, most: 0, longest: 0 }));
vi.mock('./rules.js', async (importOriginal) => {
  const rules = await importOriginal<typeof import('./rules.js')>();
  return {
    ...rules,
    findSecrets: async (...args: Parameters<typeof rules.findSecrets>) => {
      inFlight.now++;
      inFlight.most = Math.max(inFlight.most, inFlight.now);
      inFlight.longest = Math.max(inFlight.longest, args[1].length);
      try {
        return await rules.findSecrets(...args);
      } finally {
        inFlight.now--;
      }
    },
  };
});

const githubToken = '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';

describe('an image layer of many text files', () => {
  it('is scanned one file at a time, in tar order, so only one file’s text and scan state are held at once', async () => {
    const files = Array.from({ length: 200 }, (_, i) => ({ path: `app/f${String(i).padStart(3, '0')}.env`, content: i % 50 === 7 ? `GH_TOKEN=${githubToken}\n` : `line ${i}\n`.repeat(200) }));
    const image = await buildImage({ layers: [files] });
    const findings = await scanImageSecrets(image);
    expect(findings.map((f) => (f.location.kind === 'layer' ? f.location.path : ''))).toEqual(['/app/f007.env', '/app/f057.env', '/app/f107.env', '/app/f157.env']);
    expect(inFlight.most).toBe(1);
  });
});

describe('a text file longer than the scan window', () => {
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${Array.from({ length: 25 }, (_, i) => `MIIEpAIBAAKCAQEA${String(i).padStart(2, '0')}uGbXWiK3dQTyCbX5xdE4yCuYp0AF2d15Qq1JSXT/lx8BgTQy`).join('\n')}\n-----END RSA PRIVATE KEY-----\n`;
  /** Filler lines (with a non-ASCII character, so that offsets count characters, not bytes) up to `bytes`. */
  const filler = (from: number, bytes: number): string => {
    const lines: string[] = [];
    for (let i = from, n = 0; n < bytes; i++) {
      const line = `const v${i} = "lorem ipsum é ${i}";\n`;
      lines.push(line);
      n += Buffer.byteLength(line);
    }
    return lines.join('');
  };
  it('is scanned a window at a time and finds what a scan of the whole text finds: lines, values, nothing twice', async () => {
    const head = [`GH_TOKEN=${githubToken}\n`, filler(0, 245 * 1024)].join('');
    // in the overlap of the first two windows (the second starts 16 KiB before the first ends)
    const overlapped = `export GITHUB_TOKEN=${githubToken}\n`;
    const beforePem = [head, overlapped, filler(100_000, 10 * 1024)].join('');
    expect(Buffer.byteLength(head)).toBeGreaterThan(scanWindowBytes - 12 * 1024);
    // across the first cut
    expect(Buffer.byteLength(beforePem)).toBeLessThan(scanWindowBytes);
    expect(Buffer.byteLength(beforePem + pem)).toBeGreaterThan(scanWindowBytes);
    const text = [
      beforePem,
      pem,
      filler(200_000, 300 * 1024),
      `DATABASE_URL=postgres://app:s3cr3t-Pa55w0rd@db:5432/app\n`,
      filler(300_000, 200 * 1024),
      `API_KEY=${githubToken}`,
    ].join('');
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * scanWindowBytes);
    const whole = (await findSecretsInText('/app/bundle.js', text)).map((h) => `${h.line} ${h.rule} ${redact(h.value)}`);
    expect(whole).toHaveLength(5);
    inFlight.longest = 0;
    const image = await buildImage({ layers: [[{ path: 'app/bundle.js', content: text }]] });
    const findings = await scanImageSecrets(image);
    expect(findings.map((f) => `${f.location.kind === 'layer' ? f.location.line : 0} ${f.rule} ${f.redacted}`)).toEqual(whole);
    expect(inFlight.longest).toBeLessThanOrEqual(scanWindowBytes);
  });
});

import { describe, expect, it } from 'vitest';
import { change, comparisonRows, formatBytes, removableRows } from '../compare.js';
import type { CheckReport, ImageMeasurement } from '../model.js';
import { formatHtml } from './html.js';
import { formatText } from './text.js';

function measurement(over: Partial<ImageMeasurement>): ImageMeasurement {
  return {
    reference: 'docker-daemon:x',
    digest: 'sha256:00',
    compressedBytes: 50_000_000,
    uncompressedBytes: 140_000_000,
    visibleBytes: 139_000_000,
    layers: 7,
    baseLayers: 3,
    wastedBytes: 0,
    efficiency: 1,
    removable: [{ id: 'docs', title: 'docs, man pages', files: 10, bytes: 800_000 }],
    removableBytes: 800_000,
    packages: 150,
    packagesByType: { deb: 140, npm: 10 },
    user: 'root',
    runsAsRoot: true,
    secrets: [{ rule: 'env-file-secret', where: 'layer 5 /app/.env:1', redacted: 'demo…[26 chars redacted]' }],
    ...over,
  };
}

const report: CheckReport = {
  schemaVersion: 1,
  project: 'examples/app',
  app: { ecosystem: 'node', name: 'app', path: '.' },
  engine: { cli: 'docker', available: true, version: '20.10.24' },
  lint: { findings: [{ rule: 'no-root-user', severity: 'warning', line: 1, message: 'runs as root' }], fixed: ['no-root-user'] },
  context: { before: { bytes: 3000, files: 8 }, after: { bytes: 2000, files: 4 }, secretFiles: ['.env'] },
  vulnerabilityDb: { records: 0 },
  states: [
    { id: 'before', title: 'before', how: 'your Dockerfile', built: true, dockerfile: 'FROM node:20\n', build: { coldSeconds: 12.5, warmSeconds: 8 }, image: measurement({}) },
    { id: 'after', title: 'after', how: 'lint --fix=all', built: true, dockerfile: 'FROM node:20-slim\nUSER app\n', build: { coldSeconds: 10, warmSeconds: 2 }, image: measurement({ compressedBytes: 20_000_000, uncompressedBytes: 70_000_000, user: 'app', runsAsRoot: false, secrets: [], removable: [], removableBytes: 0 }) },
    { id: 'daemonless', title: 'shipshape build', how: 'daemonless', built: false, note: 'could not build: <boom>' },
  ],
  changes: [{ path: 'Dockerfile', action: 'changed', diff: '--- a\n+++ b\n' }],
  written: [],
  gate: { state: 'after', passed: false, checks: [{ id: 'maxSize', limit: '1MB', actual: '70MB', passed: false, message: 'too big' }] },
  notes: [],
};

describe('compare', () => {
  it('formats sizes and changes', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(138_400_000)).toBe('138 MB');
    expect(change(100, 38)).toBe('−62%');
    expect(change(100, 150)).toBe('+50%');
    expect(change(100, 100)).toBe('±0%');
    expect(change(undefined, 1)).toBe('');
  });
  it('has one cell per state; missing images are dashes', () => {
    const rows = comparisonRows(report);
    const compressed = rows.find((r) => r.id === 'compressed');
    expect(compressed?.cells).toEqual(['50.0 MB', '20.0 MB', '—']);
    expect(rows.find((r) => r.id === 'user')?.cells).toEqual(['root', 'app', '—']);
    expect(rows.find((r) => r.id === 'vulnerabilities')?.cells).toEqual(['no database', 'no database', '—']);
    expect(removableRows(report).map((r) => r.cells)).toEqual([['800 kB', '0 B', '—']]);
  });
});

describe('formatters', () => {
  it('text: the table with changes against before, notes, the gate', () => {
    const text = formatText(report);
    expect(text).toMatch(/^size compressed \(pull\)\s+50\.0 MB\s+20\.0 MB \(−60%\)\s+—$/m);
    expect(text).toMatch(/^rebuild after a source change\s+8\.0 s\s+2\.0 s \(−75%\)/m);
    expect(text).toContain('shipshape build: could not build: <boom>');
    expect(text).toContain('secret in before: env-file-secret at layer 5 /app/.env:1: demo…[26 chars redacted]');
    expect(text).toContain('would change Dockerfile');
    expect(text).toContain('thresholds on "after": FAILED');
  });
  it('html: self-contained, escaped, one chart per figure', () => {
    const html = formatHtml(report);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    expect(html).toContain('could not build: &lt;boom&gt;');
    expect(html.match(/class="chart"/g)?.length).toBe(7);
    expect(html).toContain('data-metric="compressed"');
  });
});

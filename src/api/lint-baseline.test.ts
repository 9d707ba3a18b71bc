/** `lint --baseline FILE`: a JSON report of an earlier run hides its findings; a file that is not one is bad input. */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint, lintFormatter } from './lint.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-lint-baseline-'));
  await writeFile(join(dir, 'Dockerfile'), 'FROM debian\nRUN apt-get update && apt-get install curl\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (baseline: string) => lint({ paths: ['Dockerfile'], cwd: dir, shellcheck: false, baseline });

describe('lint baseline', () => {
  it('a report written with --format json hides every finding it lists', async () => {
    const first = await lint({ paths: ['Dockerfile'], cwd: dir, shellcheck: false });
    expect(first.files[0]?.findings.length).toBeGreaterThan(0);
    await writeFile(join(dir, 'baseline.json'), lintFormatter('json')(first));
    const again = await run('baseline.json');
    expect(again.files[0]?.findings).toEqual([]);
    expect(again.baselined).toBe(first.files[0]?.findings.length);
  });

  it('a document that is not such a report is invalid input naming the file and field', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ files: [{ file: 'Dockerfile', findings: [{ ruleId: 'x', fingerprint: 7 }] }] }));
    await expect(run('bad.json')).rejects.toMatchObject({ code: 'invalid-input', message: `${path}: not a baseline written by \`shipshape lint --format json -o FILE\`: field "files.0.findings.0.fingerprint": Invalid input: expected string, received number` });
    await writeFile(path, JSON.stringify({ files: [{ file: 'Dockerfile' }] }));
    await expect(run('bad.json')).rejects.toThrow(`${path}: not a baseline written by \`shipshape lint --format json -o FILE\`: field "files.0.findings": `);
    await writeFile(path, '[]');
    await expect(run('bad.json')).rejects.toThrow(`${path}: not a baseline written by \`shipshape lint --format json -o FILE\`: field "(root)": `);
    await writeFile(path, '{"files": [');
    await expect(run('bad.json')).rejects.toThrow(`${path}: not JSON (Unexpected end of JSON input)`);
    await expect(run('absent.json')).rejects.toMatchObject({ code: 'not-found', message: `${join(dir, 'absent.json')}: baseline file not found` });
    await expect(run('.')).rejects.toMatchObject({ code: 'invalid-input', message: `${dir}: not a file` });
  });

  it('a file over 64 MiB is refused before it is read', async () => {
    const path = join(dir, 'big.json');
    await writeFile(path, '');
    await truncate(path, 65 * 1024 * 1024);
    await expect(run('big.json')).rejects.toMatchObject({ code: 'invalid-input', message: `${path}: 68157440 bytes: larger than the 64 MiB a baseline may be` });
  });
});

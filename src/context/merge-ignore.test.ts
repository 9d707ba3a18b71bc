import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeDockerignore } from './merge-ignore.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-merge-ignore-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const recommended = ['# Generated', '', '# Version control', '.git', '', '# Dependencies', '**/node_modules', 'coverage', '', '# Secrets', '**/.env', '**/.env.*', '!**/.env.example', '', '# Docs', 'docs', '*.md', '!README.md', ''].join('\n');

describe('mergeDockerignore', () => {
  it('refuses a FIFO in place of the Dockerfile with one line naming it instead of waiting for a writer', async () => {
    const dir = await project({ 'a.txt': '' });
    execFileSync('mkfifo', [join(dir, 'Dockerfile')]);
    await expect(mergeDockerignore({ dir, dockerfile: join(dir, 'Dockerfile'), existing: '.git\n', recommended })).rejects.toThrow(`${join(dir, 'Dockerfile')}: not a file`);
  }, 5000);

  it("keeps the user's lines and order, appends only the missing patterns under a comment, grouped by their titles", async () => {
    const dir = await project({ Dockerfile: 'FROM node:20\nCOPY . .\n', 'src/a.js': '', '.env': 'X=1', 'docs/a.txt': '', 'README.md': '', 'coverage/x': '' });
    const existing = '# mine\nnode_modules\n.git\n\n*.log\n';
    const merged = await mergeDockerignore({ dir, dockerfile: join(dir, 'Dockerfile'), existing, recommended });
    expect(merged.text.startsWith(existing)).toBe(true);
    expect(merged.added).toEqual(['**/node_modules', 'coverage', '**/.env', '**/.env.*', '!**/.env.example', 'docs', '*.md', '!README.md']);
    const tail = merged.text.slice(existing.length).split('\n');
    expect(tail[1]).toMatch(/^# Added by shipshape check/);
    expect(tail.filter((l) => l.startsWith('# ') && !l.includes('shipshape'))).toEqual(['# Dependencies', '# Secrets', '# Docs']);
    expect(tail).not.toContain('.git');
    // Docker reads the result as intended: the secret and docs go, the README stays
    const m = dockerignore.default().add(merged.text.split('\n').filter((l) => l !== '' && !l.startsWith('#')));
    expect(['.env', 'docs/a.txt', 'coverage/x', 'x.log'].map((p) => m.ignores(p))).toEqual([true, true, true, true]);
    expect(['README.md', 'src/a.js'].map((p) => m.ignores(p))).toEqual([false, false]);
  });

  it('never adds a pattern that excludes a file the Dockerfile copies by name', async () => {
    const dir = await project({ Dockerfile: 'FROM node:20\nCOPY docs/openapi.yaml /app/\nCOPY CHANGELOG.md /app/\nCOPY . .\n', 'docs/openapi.yaml': '', 'CHANGELOG.md': '', 'src/a.js': '' });
    const merged = await mergeDockerignore({ dir, dockerfile: join(dir, 'Dockerfile'), existing: '.git\n', recommended });
    expect(merged.added).not.toContain('docs');
    expect(merged.added).not.toContain('*.md');
    expect(merged.skipped).toEqual(['docs (would exclude COPY docs/openapi.yaml, line 2)', '*.md (would exclude COPY CHANGELOG.md, line 3)']);
    expect(merged.added).toContain('!README.md');
  });

  it("never sends again what the user's file excludes (an exception such as !README.md after the user's *.md)", async () => {
    const dir = await project({ Dockerfile: 'FROM node:20\nCOPY . .\n', 'README.md': '', '.env.example': '' });
    const merged = await mergeDockerignore({ dir, dockerfile: join(dir, 'Dockerfile'), existing: '*.md\n.env*', recommended });
    expect(merged.added).not.toContain('!README.md');
    expect(merged.added).not.toContain('!**/.env.example');
    expect(merged.skipped).toEqual(expect.arrayContaining(['!README.md (would send README.md, which your .dockerignore excludes)', '!**/.env.example (would send .env.example, which your .dockerignore excludes)']));
    // a file without a final newline gets one before the appended part
    expect(merged.text.startsWith('*.md\n.env*\n\n# Added by shipshape check')).toBe(true);
  });

  it('returns the file unchanged when it already has every recommended pattern', async () => {
    const dir = await project({ Dockerfile: 'FROM node:20\nCOPY . .\n' });
    const existing = `${recommended.split('\n').filter((l) => l !== '' && !l.startsWith('#')).reverse().join('\n')}\n`;
    const merged = await mergeDockerignore({ dir, dockerfile: join(dir, 'Dockerfile'), existing, recommended });
    expect(merged).toEqual({ text: existing, added: [], skipped: [] });
  });
});

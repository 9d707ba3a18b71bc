/** How `lint` reads the Dockerfiles it is given: bounded, and never waiting on something that is not a file. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxDockerfileBytes } from '../dockerfile/index.js';
import { lint } from './lint.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-lint-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lint reading its files', () => {
  it('refuses a FIFO given as the Dockerfile with one line naming it, invalid input (exit 2), instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [join(dir, 'Dockerfile')]);
    await expect(lint({ paths: ['Dockerfile'], cwd: dir, shellcheck: false })).rejects.toMatchObject({ code: 'invalid-input', message: `${join(dir, 'Dockerfile')}: not a file` });
  }, 5000);

  it('refuses a Dockerfile over the parser’s bound before reading it', async () => {
    await writeFile(join(dir, 'big.Dockerfile'), `FROM debian\n${'#'.repeat(maxDockerfileBytes)}\n`);
    await expect(lint({ paths: ['big.Dockerfile'], cwd: dir, shellcheck: false })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/big\.Dockerfile: \d+ bytes: larger than the 4 MiB a Dockerfile may be$/) as unknown });
  });
});

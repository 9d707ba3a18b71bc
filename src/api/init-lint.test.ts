/**
 * Issue 7: every Dockerfile `init` generates passes `shipshape lint` with no warning or error. Each project
 * fixture of the generators and each sample app of the end-to-end tests is copied to a temporary folder, `init`
 * writes its Dockerfile and `.dockerignore` there (default and `--compat`, with and without `--pin`), and `lint`
 * checks the written file against its real build context, as a user running both verbs would.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { init } from './init.js';
import { lint } from './lint.js';

const generatorFixtures = resolve(import.meta.dirname, '../generate/__fixtures__');
const sampleApps = resolve(import.meta.dirname, '../../test/e2e/__fixtures__/init-apps');

/** Findings that may remain: the digest pin without `--pin`, and a HEALTHCHECK (distroless has no probe tool). */
const allowedInfo = new Set(['pin-base-image', 'healthcheck-missing']);

async function projects(): Promise<{ name: string; root: string; app?: string }[]> {
  const skip = new Set(['__golden__', 'unknown', 'broken-package-json', 'broken-pyproject']);
  const found: { name: string; root: string; app?: string }[] = [];
  for (const entry of await readdir(generatorFixtures, { withFileTypes: true })) {
    if (!entry.isDirectory() || skip.has(entry.name)) continue;
    const root = join(generatorFixtures, entry.name);
    if (entry.name === 'monorepo') for (const app of ['services/api', 'services/web']) found.push({ name: `monorepo ${app}`, root, app });
    else if (entry.name === 'go-cmd') found.push({ name: 'go-cmd cmd/api', root, app: 'cmd/api' });
    // two apps: the workspace member and a folder pnpm-workspace.yaml excludes
    else if (entry.name === 'node-pnpm-workspaces') found.push({ name: 'node-pnpm-workspaces packages/api', root, app: 'packages/api' });
    // two bun workspace members with a start script, one four folders down
    else if (entry.name === 'node-bun-workspaces') for (const app of ['apps/gateway', 'services/payments/eu/worker']) found.push({ name: `node-bun-workspaces ${app}`, root, app });
    // a uv workspace: a server member and a console-script member (and a folder `exclude` leaves out)
    else if (entry.name === 'python-uv-workspace') for (const app of ['packages/api', 'packages/worker']) found.push({ name: `python-uv-workspace ${app}`, root, app });
    else found.push({ name: entry.name, root });
  }
  for (const entry of await readdir(sampleApps, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push({ name: `e2e ${entry.name}`, root: join(sampleApps, entry.name) });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

const modes = [
  { compat: false, pin: false },
  { compat: true, pin: false },
  { compat: false, pin: true },
];
const cases = (await projects()).flatMap((p) => modes.map((m) => ({ ...p, ...m })));
const work: string[] = [];

afterAll(async () => {
  for (const dir of work) await rm(dir, { recursive: true, force: true });
});

describe('init output passes lint', () => {
  it('covers every generator fixture and sample app', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3 * 25);
  });

  it.each(cases)('$name (compat $compat, pin $pin): no warning or error', async ({ root, app, compat, pin }) => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-init-lint-'));
    work.push(dir);
    await cp(root, dir, { recursive: true });
    const digest = `sha256:${'ab'.repeat(32)}`;
    const result = await init({ dir, ...(app === undefined ? {} : { app }), compat, pin, resolveDigest: () => Promise.resolve(digest) });
    const dockerfile = result.files.find((f) => f.path.endsWith('Dockerfile'));
    expect(dockerfile?.action).toBe('created');
    const report = await lint({ paths: [join(dir, dockerfile?.path ?? 'Dockerfile')], cwd: dir });
    const findings = report.files.flatMap((f) => f.findings).map((f) => `${f.severity} ${f.ruleId} ${String(f.range.start.line)}: ${f.message}`);
    expect(report.files.flatMap((f) => f.ruleFailures)).toEqual([]);
    expect(findings.filter((f) => !f.startsWith('info ') && !f.startsWith('style '))).toEqual([]);
    const remaining = new Set(report.files.flatMap((f) => f.findings).map((f) => f.ruleId));
    for (const id of remaining) expect(allowedInfo, `unexpected finding ${id}`).toContain(id);
    // lint really ran: without --pin the digest-pin finding is there
    if (pin) expect(remaining).not.toContain('pin-base-image');
    else expect(remaining).toContain('pin-base-image');
  });
});

/**
 * `shipshape check` end to end: the bundled naive example and the init sample apps, measured with the real
 * engine (public bases replaced by the local stand-ins of ./stand-ins.ts) and without one (a missing engine CLI,
 * a dead DOCKER_HOST); exit codes 0/1/2/4; `--write`; the HTML report in headless Chromium.
 */
/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- callbacks passed to evaluateAll run in the browser; this project compiles without the DOM lib */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/check/model.js';
import { formatHtml } from '../../src/check/formatters/html.js';
import { chromiumPath, openOffline } from './browser.js';
import { probeEngine } from '../../src/check/engine.js';
import { dockerCli, missing, podmanSocket, repoRoot, run, runCli } from './env.js';
import { baseMapArgs } from './stand-ins.js';

const example = resolve(repoRoot, 'examples/naive-node-app');
const apps = resolve(import.meta.dirname, '__fixtures__/init-apps');

const work: string[] = [];
async function copyOf(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-check-e2e-'));
  work.push(dir);
  await cp(source, join(dir, 'project'), { recursive: true });
  return join(dir, 'project');
}

async function configFile(dir: string, yaml: string): Promise<string> {
  const path = join(dir, '..', 'shipshape.yaml');
  await writeFile(path, yaml);
  return path;
}

async function listing(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length + 1)] = await readFile(path, 'utf8');
  }
  return out;
}

afterAll(async () => {
  for (const dir of work) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(missing('cli'))('shipshape check without an engine', () => {
  it('a missing engine CLI: lint, context and the fixed Dockerfile still come out; nothing is written to the project', async () => {
    const dir = await copyOf(example);
    const before = await listing(dir);
    const config = await configFile(dir, 'engine:\n  cli: /nonexistent/docker\n');
    const r = await runCli(['check', dir, '-c', config, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.engine).toMatchObject({ available: false, reason: '/nonexistent/docker is not installed (not found on PATH)' });
    expect(report.app).toMatchObject({ ecosystem: 'node', name: 'naive-node-app' });
    expect(report.lint.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['no-root-user', 'no-dotenv-copy', 'copy-source-before-install']));
    expect(report.lint.fixed).toEqual(expect.arrayContaining(['no-root-user', 'copy-source-before-install']));
    expect(report.context.secretFiles).toEqual(['.env']);
    expect(report.context.after.files).toBeLessThan(report.context.before.files);
    const after = report.states.find((s) => s.id === 'after');
    expect(after?.dockerfile).toMatch(/^USER node$/m);
    expect(after?.note).toMatch(/^not built: no engine/);
    expect(report.changes.map((c) => `${c.path}:${c.action}`)).toEqual(['Dockerfile:changed', '.dockerignore:created']);
    expect(report.written).toEqual([]);
    expect(report.vulnerabilityDb.records).toBe(0);
    // the daemonless path: shipshape build, measured like an engine build
    const daemonless = report.states.find((s) => s.id === 'daemonless');
    expect(daemonless?.built, daemonless?.note).toBe(true);
    expect(daemonless?.image).toMatchObject({ user: '65532:65532', runsAsRoot: false, secrets: [] });
    expect(daemonless?.image?.vulnerabilities).toBeUndefined();
    expect(daemonless?.image?.packages).toBeGreaterThan(0);
    expect(daemonless?.image?.compressedBytes).toBeLessThan(daemonless?.image?.uncompressedBytes ?? 0);
    expect(daemonless?.build?.warmSeconds).toBeGreaterThan(0);
    expect(daemonless?.build?.changedFile).toBe('src/server.js');
    expect(await listing(dir)).toEqual(before);
  });

  it('thresholds apply to the daemonless image when no engine built "after": exit 1', async () => {
    const dir = await copyOf(example);
    const config = await configFile(dir, 'analyze:\n  thresholds:\n    forbidRoot: true\n    maxSize: 1MB\n');
    const r = await runCli(['check', dir, '--no-engine', '-c', config, '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.gate?.state).toBe('daemonless');
    expect(report.gate?.checks.map((c) => `${c.id}:${String(c.passed)}`)).toEqual(['maxSize:false', 'forbidRoot:true']);
    expect(r.stderr).toMatch(/threshold failed on "daemonless": maxSize/);
  });

  it('with an imported OSV database, vulnerabilities are counted by severity', async () => {
    const dir = await copyOf(example);
    const cache = join(dir, '..', 'cache');
    const config = await configFile(dir, `cacheDir: ${cache}\n`);
    // a made-up advisory on Debian 12's glibc, fixed only in a version no release has: every base with libc6 matches
    const osv = join(dir, '..', 'TEST-0001.json');
    await writeFile(
      osv,
      JSON.stringify({
        schema_version: '1.6.0',
        id: 'TEST-0001',
        modified: '2026-01-01T00:00:00Z',
        published: '2026-01-01T00:00:00Z',
        summary: 'a test advisory',
        affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99:1.0' }] }] }],
        database_specific: { severity: 'HIGH' },
      }),
    );
    const imported = await runCli(['db', 'import', osv, '-c', config]);
    expect(imported.code, imported.stderr).toBe(0);
    const r = await runCli(['check', dir, '--no-engine', '-c', config, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.vulnerabilityDb.records).toBe(1);
    expect(report.states.find((s) => s.id === 'daemonless')?.image?.vulnerabilities).toEqual({ critical: 0, high: 1, medium: 0, low: 0, unknown: 0 });
  });

  it('a dead DOCKER_HOST is no engine either; the text report says so and names the vulnerability database command', async () => {
    const dir = await copyOf(example);
    const r = await runCli(['check', dir], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^engine: none \(.*cannot reach an engine/m);
    expect(r.stdout).toContain('no vulnerability database imported — run `shipshape db import');
    expect(r.stdout).toMatch(/would change Dockerfile/);
  });

  it('--write writes only the Dockerfile and .dockerignore, and shows the diff', async () => {
    const dir = await copyOf(example);
    const before = await listing(dir);
    const r = await runCli(['check', dir, '--no-engine', '--write']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}wrote Dockerfile$/m);
    expect(r.stdout).toMatch(/^ {2}created \.dockerignore$/m);
    expect(r.stdout).toMatch(/^\+USER node$/m);
    const after = await listing(dir);
    expect(Object.keys(after).sort()).toEqual([...Object.keys(before), '.dockerignore'].sort());
    for (const [path, text] of Object.entries(before)) if (path !== 'Dockerfile') expect(after[path]).toBe(text);
    expect(after.Dockerfile).toMatch(/^USER node$/m);
    expect(after['.dockerignore']).toMatch(/^\*\*\/\.env$/m);
    // a second run has nothing left to change
    const again = await runCli(['check', dir, '--no-engine', '--format', 'json']);
    expect((JSON.parse(again.stdout) as CheckReport).changes.map((c) => c.action)).toEqual(['unchanged', 'unchanged']);
  });

  it("an existing .dockerignore is merged: the user's lines and order kept, the missing patterns appended, none that excludes what the Dockerfile copies; --write shows the diff", async () => {
    const dir = await copyOf(example);
    const mine = '# our own\nnode_modules\n*.log\ndocs/internal\n';
    await writeFile(join(dir, '.dockerignore'), mine);
    // the Dockerfile copies a doc by name: the recommended `docs` and `*.md` must not be added
    const dockerfile = (await readFile(join(dir, 'Dockerfile'), 'utf8')).replace('COPY . .', 'COPY README.md /app/README.md\nCOPY . .');
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    const r = await runCli(['check', dir, '--no-engine', '--write']);
    expect(r.code, r.stderr).toBe(0);
    const merged = await readFile(join(dir, '.dockerignore'), 'utf8');
    expect(merged.startsWith(`${mine}\n# Added by shipshape check`)).toBe(true);
    const added = merged.slice(mine.length).split('\n');
    expect(added).toEqual(expect.arrayContaining(['**/.env', '**/node_modules']));
    expect(added).not.toContain('*.md');
    expect(added).not.toContain('node_modules');
    expect(r.stdout).toMatch(/^ {2}wrote \.dockerignore$/m);
    expect(r.stdout).toMatch(/^\+\*\*\/\.env$/m);
    expect(r.stdout).toMatch(/^ node_modules$/m); // the user's line, unchanged context in the diff
    expect(r.stdout).toMatch(/note: \.dockerignore: your lines kept, \d+ recommended patterns appended/);
    expect(r.stdout).toMatch(/note: \.dockerignore: left out \*\.md \(would exclude COPY README\.md, line \d\)/);
    // merged once, the next run has nothing to add
    const again = await runCli(['check', dir, '--no-engine', '--format', 'json']);
    const report = JSON.parse(again.stdout) as CheckReport;
    expect(report.changes.find((c) => c.path === '.dockerignore')?.action).toBe('unchanged');
    expect(report.notes).toContain("the project's .dockerignore has every recommended pattern (kept as it is)");
  });

  it.each(['node', 'go', 'python'])('init sample app %s: no Dockerfile, so init generates one', async (app) => {
    const dir = await copyOf(join(apps, app));
    const r = await runCli(['check', dir, '--no-engine', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.app?.ecosystem).toBe(app);
    expect(report.states.find((s) => s.id === 'before')?.how).toBe('no Dockerfile');
    expect(report.states.find((s) => s.id === 'after')?.dockerfile).toMatch(/^USER /m);
    expect(report.changes.map((c) => `${c.path}:${c.action}`)).toEqual(['Dockerfile:created', '.dockerignore:created']);
  });

  it('the daemonless column builds an app whose entry is a build output: npm ci + npm run build in the scratch copy first', async () => {
    const dir = await copyOf(join(apps, 'node'));
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node dist/server.js');
    const r = await runCli(['check', dir, '--no-engine', '--format', 'json', '-v']);
    expect(r.code, r.stderr).toBe(0);
    const daemonless = (JSON.parse(r.stdout) as CheckReport).states.find((s) => s.id === 'daemonless');
    expect(daemonless, r.stderr).toMatchObject({ built: true, build: { changedFile: 'src/server.js' } });
    expect(daemonless?.note).toBeUndefined();
    expect(daemonless?.image?.layers).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/daemonless: npm ci --include=dev .*build output/);
    expect(r.stderr.match(/daemonless: npm run build/g)).toHaveLength(2); // cold and after the source change
    expect(existsSync(join(dir, 'dist'))).toBe(false); // only the scratch copy was built

    // a failing build script is one line in the report; the rest still runs
    await writeFile(join(dir, 'build.js'), "process.stderr.write('boom: no compiler\\n'); process.exit(3);\n");
    const failed = await runCli(['check', dir, '--no-engine', '--format', 'json']);
    expect(failed.code, failed.stderr).toBe(0);
    const note = (JSON.parse(failed.stdout) as CheckReport).states.find((s) => s.id === 'daemonless')?.note;
    expect(note).toMatch(/^could not build: .*package\.json: npm run build failed: boom: no compiler$/);
  });

  it('bad input exits 2 with one line', async () => {
    const missingDir = await runCli(['check', '/nonexistent/project']);
    expect(missingDir.code).toBe(2);
    expect(missingDir.stderr.trim().split('\n')).toHaveLength(1);
    const empty = await mkdtemp(join(tmpdir(), 'shipshape-check-empty-'));
    work.push(empty);
    await writeFile(join(empty, 'notes.txt'), 'nothing to build\n');
    const nothing = await runCli(['check', empty, '--no-engine']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/has no Dockerfile and no app/);
    const badMap = await runCli(['check', example, '--no-engine', '--base-map', 'node:20']);
    expect(badMap.code).toBe(2);
  });
});

describe.skipIf(missing('docker', 'cli'))('shipshape check with the real engine', () => {
  const baseMap: string[] = [];
  let engineConfig = '';
  beforeAll(async () => {
    // the naive example's `node:20` (a full, ~1 GB image like the official one); lint's fix moves it to `node:20-slim`
    baseMap.push(...(await baseMapArgs({ include: ['node:20'] })));
    engineConfig = `engine:\n  cli: ${dockerCli}\n  network: host\n`;
  });

  it('the bundled example: before and after built, timed and measured; a size threshold on "after" fails with exit 1; the HTML report renders', async () => {
    const dir = await copyOf(example);
    const config = await configFile(dir, `${engineConfig}analyze:\n  thresholds:\n    maxSize: 1MB\n`);
    const r = await runCli(['check', dir, '-c', config, ...baseMap, '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/threshold failed on "after": maxSize: /);
    const report = JSON.parse(r.stdout) as CheckReport;
    const before = report.states.find((s) => s.id === 'before');
    const after = report.states.find((s) => s.id === 'after');
    expect(before?.built, before?.note).toBe(true);
    expect(after?.built, after?.note).toBe(true);
    if (!before?.image || !after?.image || !before.build || !after.build) throw new Error('both states measured');
    expect(before.image.user).toBe('root');
    expect(after.image.user).toBe('node');
    expect(before.image.secrets.map((s) => s.rule)).toContain('env-file-secret');
    expect(before.image.secrets.every((s) => !s.redacted.includes('9f3b2c71e4a8d605'))).toBe(true);
    expect(after.image.secrets.filter((s) => s.rule === 'env-file-secret')).toEqual([]);
    expect(after.image.visibleBytes).toBeLessThan(before.image.visibleBytes);
    expect(before.image.compressedBytes).toBeLessThan(before.image.uncompressedBytes);
    expect(before.image.packages).toBeGreaterThan(0);
    expect(before.build.coldSeconds).toBeGreaterThan(0);
    expect(after.build.warmSeconds).toBeGreaterThan(0);
    expect(after.build.changedFile).toBe('src/server.js');
    expect(report.gate).toMatchObject({ state: 'after', passed: false });
    // the project itself is untouched, and the check's images are gone
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(await readFile(join(example, 'Dockerfile'), 'utf8'));
    expect(existsSync(join(dir, '.dockerignore'))).toBe(false);
    expect(await run(dockerCli, ['images', '--all', '--quiet', '--filter', 'label=shipshape.check.run'])).toBe('');

    if (!existsSync(chromiumPath)) {
      console.warn('SKIPPED: the HTML part needs chromium (run: bash scripts/testenv.sh up)');
      return;
    }
    const file = join(dir, '..', 'check.html');
    await writeFile(file, formatHtml(report));
    const { page, requests, close } = await openOffline(file);
    try {
      expect(await page.title()).toBe('shipshape check — naive-node-app');
      // one chart per figure, the states side by side, bar widths proportional to the values
      const chart = page.locator('.chart[data-metric="uncompressed"]');
      const bars = await chart.locator('.bar').evaluateAll((gs) => gs.map((g) => ({ state: g.getAttribute('data-state'), value: Number(g.getAttribute('data-value')), width: g.querySelector('rect')?.getBoundingClientRect().width ?? 0 })));
      expect(bars.map((b) => b.state)).toEqual(report.states.map((s) => s.id));
      const [b0, b1] = bars;
      if (!b0 || !b1) throw new Error('two bars');
      expect(b1.width / b0.width).toBeCloseTo(b1.value / b0.value, 1);
      const charts = await page.locator('#charts .chart').evaluateAll((fs) => fs.map((f) => f.getBoundingClientRect().top));
      expect(charts.length).toBeGreaterThanOrEqual(6);
      expect(charts[1]).toBe(charts[0]);
      expect(await page.locator('#comparison tr[data-row="user"]').innerText()).toMatch(/root\s+node/);
      expect(await page.locator('#dockerfiles [data-state="after"] pre').innerText()).toContain('USER node');
      expect(await page.locator('#gate h2').innerText()).toBe('Thresholds on "after": FAILED');
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  });

  it('an engine that cannot build the after state (unreachable bases) exits 4; the before failure is one line', async () => {
    const dir = await copyOf(example);
    const config = await configFile(dir, engineConfig);
    const r = await runCli(['check', dir, '-c', config, '--format', 'json']);
    expect(r.code, r.stderr).toBe(4);
    const report = JSON.parse(r.stdout) as CheckReport;
    const note = report.states.find((s) => s.id === 'before')?.note ?? '';
    expect(note).toMatch(/^could not build: /);
    expect(note).not.toContain('\n');
    expect(r.stderr).toMatch(/^shipshape: after: could not build: /m);
  });

  it.each(['node', 'python'])('init sample app %s: the generated Dockerfile is built and measured', async (app) => {
    const dir = await copyOf(join(apps, app));
    const config = await configFile(dir, engineConfig);
    const r = await runCli(['check', dir, '-c', config, ...baseMap, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CheckReport;
    const after = report.states.find((s) => s.id === 'after');
    expect(after?.built, after?.note).toBe(true);
    expect(after?.image?.user).toBe('65532:65532');
    expect(after?.build?.warmSeconds).toBeGreaterThan(0);
    // Docker 20.10 gets the compat Dockerfile, decided and noted as `init` does it
    const version = (await run(dockerCli, ['version', '--format', '{{.Server.Version}}'])).trim();
    if (Number.parseInt(version, 10) < 23) {
      expect(report.notes).toContain(`compat Dockerfile (no COPY --link, no heredocs): Docker ${version}'s built-in BuildKit frontend has no COPY --link or heredocs; --no-compat writes the full one`);
      expect(after?.dockerfile ?? '').not.toMatch(/^COPY --link/m);
    }
  });

  it('the engine probe tells Docker from Podman', async () => {
    const docker = await probeEngine({ cli: dockerCli });
    expect(docker).toMatchObject({ available: true, podman: false });
  });
});

describe.skipIf(missing('cli', 'podman', 'docker'))('shipshape check on Podman', () => {
  it('the engine probe knows Podman by its CLI and by its socket behind the docker CLI', async () => {
    expect(await probeEngine({ cli: 'podman' })).toMatchObject({ available: true, podman: true });
    expect(await probeEngine({ cli: dockerCli, host: `unix://${podmanSocket}` })).toMatchObject({ available: true, podman: true });
  });
});
